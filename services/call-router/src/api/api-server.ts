import { timingSafeEqual } from 'node:crypto';
import { compileValidator, PbxError } from '@dragonpbx/shared/contracts';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { PBX_ERR_API_BAD_REQUEST, PBX_ERR_API_INTERNAL, PBX_ERR_API_ROUTE_UNKNOWN, PBX_ERR_API_UNAUTHORIZED } from './api-errors.js';
import { API_ROUTES, type ApiDeps, type RouteInput } from './api-routes.js';
import { openApiDocument } from './openapi.js';

/** Options of {@link buildApiServer} and {@link startApiServer}. */
export interface ApiServerOptions {
  /** `API_TOKEN`: every request but liveness and the OpenAPI document needs `Authorization: Bearer <token>`. Unset: loopback clients only. */
  readonly token?: string;
  /** `WEBPORT`; 0 picks a free one. */
  readonly port: number;
  /** `API_HOST`, used only with a token: without one the server binds `127.0.0.1`. */
  readonly host: string;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
/** Routes anyone may read: liveness and the API's description. */
const OPEN_PATHS = new Set(['/docs/openapi.json']);

/** A listening REST call API. */
export interface ApiServer {
  readonly app: FastifyInstance;
  readonly port: number;
  /** Where it listens: `127.0.0.1` without a token. */
  readonly host: string;
  close(): Promise<void>;
}

/**
 * The REST call API (docs/contract.md §5.1) as a fastify instance, not yet
 * listening (tests use `inject`). Inputs are checked against the route
 * schemas; every error is `{code, message}` with a stable `PBX_ERR_API_…`
 * (or engine) code.
 */
export function buildApiServer(options: Pick<ApiServerOptions, 'token'>, deps: ApiDeps & { readonly logger: Logger }): FastifyInstance {
  // Call-IDs may be long (the schemas allow 256 characters); fastify's default stops path parameters at 100.
  const app = Fastify({ logger: false, bodyLimit: 256 * 1024, routerOptions: { maxParamLength: 512 } });
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const v = compileValidator(schema as never);
    return (data: unknown) => {
      if (v.check(data)) return { value: data };
      const issues = v.errors(data).map((e) => `${e.path || '/'}: ${e.message}`);
      return { error: new PBX_ERR_API_BAD_REQUEST(`${httpPart ?? 'input'} ${issues.slice(0, 5).join('; ') || 'does not match its schema'}`) };
    };
  });
  // Response schemas document the API; bodies are serialised as they are.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  const token = options.token ? Buffer.from(options.token) : undefined;
  const openPaths = new Set([...OPEN_PATHS, ...API_ROUTES.filter((r) => r.auth === false).map((r) => r.url)]);
  app.addHook('onRequest', async (req) => {
    if (req.routeOptions.url !== undefined && openPaths.has(req.routeOptions.url)) return;
    checkAuth(req, token);
  });
  app.setErrorHandler((err, req, reply) => {
    if (err instanceof PbxError) {
      if (err.statusCode >= 500) deps.logger.warn({ err, code: err.code, url: req.url }, 'REST call API request failed');
      if (err.statusCode === 401) void reply.header('WWW-Authenticate', 'Bearer');
      return reply.status(err.statusCode).send(err.toJSON());
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.status(status).send(new PBX_ERR_API_BAD_REQUEST((err as Error).message).toJSON());
    }
    const e = new PBX_ERR_API_INTERNAL((err as Error).message ?? String(err));
    deps.logger.error({ err, code: e.code, url: req.url }, 'REST call API request failed');
    return reply.status(500).send({ code: e.code, message: 'internal error' });
  });
  app.setNotFoundHandler((req, reply) => reply.status(404).send(new PBX_ERR_API_ROUTE_UNKNOWN(req.method, req.url.split('?')[0]!).toJSON()));

  for (const r of API_ROUTES) {
    app.route({
      method: r.method,
      url: r.url,
      schema: {
        ...(r.params && { params: r.params }),
        ...(r.query && { querystring: r.query }),
        ...(r.body && { body: r.body }),
      },
      handler: async (req, reply) => {
        const input: RouteInput = { params: req.params as RouteInput['params'], query: (req.query ?? {}) as RouteInput['query'], body: req.body };
        const [status, body] = await r.handle(input, deps);
        return reply.status(status).send(body);
      },
    });
  }
  const doc = openApiDocument();
  app.get('/docs/openapi.json', async () => doc);
  return app;
}

/** Builds and starts the API; without a token it listens on `127.0.0.1` whatever `host` says. */
export async function startApiServer(options: ApiServerOptions, deps: ApiDeps & { readonly logger: Logger }): Promise<ApiServer> {
  const app = buildApiServer(options, deps);
  const host = options.token ? options.host : '127.0.0.1';
  if (!options.token && !LOOPBACK.has(options.host) && options.host !== 'localhost') {
    deps.logger.warn({ host: options.host }, 'API_TOKEN is not set: the REST call API listens on 127.0.0.1 only');
  }
  await app.listen({ port: options.port, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return Object.freeze({ app, port, host, close: () => app.close() });
}

function checkAuth(req: FastifyRequest, token: Buffer | undefined): void {
  if (token === undefined) {
    // docs/contract.md §5.1: without API_TOKEN only clients on this host may use the API.
    if (!LOOPBACK.has(req.ip)) throw new PBX_ERR_API_UNAUTHORIZED('no API_TOKEN configured; loopback clients only');
    return;
  }
  const auth = req.headers.authorization ?? '';
  const m = /^Bearer +(\S+)\s*$/i.exec(auth);
  if (m === null) throw new PBX_ERR_API_UNAUTHORIZED('missing bearer token');
  const given = Buffer.from(m[1]!);
  if (given.length !== token.length || !timingSafeEqual(given, token)) throw new PBX_ERR_API_UNAUTHORIZED('wrong bearer token');
}
