import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

/** Dependency name → healthy. */
export type ReadinessChecks = Record<string, boolean>;

/** Options of {@link createOpsServer}. */
export interface OpsServerOptions {
  /** Served on `/metrics`. */
  registry: Registry;
  /** Checks every dependency (Redis, NATS, SIP server…); `/readyz` is 200 only when all are true. */
  readiness: () => Promise<ReadinessChecks>;
  /**
   * TCP port (`METRICS_PORT`); 0 picks a free one.
   * @defaultValue 0
   */
  port?: number;
  /** @defaultValue `'0.0.0.0'` (probes come from the kubelet) */
  host?: string;
  /**
   * A readiness call that takes longer counts as not ready.
   * @defaultValue 2000
   */
  readinessTimeoutMs?: number;
  /** Adds a service's own routes (e.g. an operator API) before the server listens. */
  routes?: (app: FastifyInstance) => void;
}

/** A listening ops server. */
export interface OpsServer {
  readonly app: FastifyInstance;
  /** The bound port (useful with port 0). */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Starts the liveness / readiness / metrics HTTP server of a service:
 * - `GET /healthz` → 200 `{status:"ok"}` while the event loop runs (liveness);
 * - `GET /readyz` → 200 `{ready:true, checks}` or 503 `{ready:false, failing:[…], checks}`;
 * - `GET /metrics` → Prometheus text format.
 */
export async function createOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const app = Fastify({ logger: false });
  addOpsRoutes(app, options);
  options.routes?.(app);
  await app.listen({ port: options.port ?? 0, host: options.host ?? '0.0.0.0' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  return Object.freeze({ app, port, close: () => app.close() });
}

/**
 * Registers `/healthz`, `/readyz` and `/metrics` on an existing Fastify
 * instance, with the one body shape every service answers (see {@link createOpsServer}).
 */
export function addOpsRoutes(
  app: FastifyInstance,
  options: Pick<OpsServerOptions, 'registry' | 'readiness' | 'readinessTimeoutMs'>,
): void {
  const timeoutMs = options.readinessTimeoutMs ?? 2000;
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_req, reply) => {
    let checks: ReadinessChecks;
    try {
      checks = await withTimeout(options.readiness(), timeoutMs);
    } catch (err) {
      return reply.code(503).send({ ready: false, failing: ['readiness'], error: (err as Error).message, checks: {} });
    }
    const failing = Object.entries(checks)
      .filter(([, ok]) => ok !== true)
      .map(([name]) => name);
    if (failing.length > 0) return reply.code(503).send({ ready: false, failing, checks });
    return { ready: true, checks };
  });

  app.get('/metrics', async (_req, reply) => {
    const text = await options.registry.metrics();
    return reply.type(options.registry.contentType).send(text);
  });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`readiness check took longer than ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
