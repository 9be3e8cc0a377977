import fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import type { HookDispatcher } from '../dispatcher.js';
import { PBX_ERR_HOOK_BAD_REQUEST, PBX_ERR_HOOK_UNAUTHORIZED } from '../errors.js';
import { PbxError } from '@dragonpbx/shared/contracts';
import { addOpsRoutes } from '@dragonpbx/shared/platform';
import { timingSafeEqual } from 'node:crypto';

/** Options of {@link buildAdminServer}. */
export interface AdminServerOptions {
  /** Bearer token required on `/deadletters`; without one only loopback clients may use it. */
  apiToken?: string;
}

const ID = /^[A-Za-z0-9_-]{1,128}$/;
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function checkAdmin(req: FastifyRequest, token: string | undefined): void {
  if (!token) {
    // docs/contract.md §5.1: without a token configured the operator surface answers loopback only.
    if (!LOOPBACK.has(req.ip)) throw new PBX_ERR_HOOK_UNAUTHORIZED('no API_TOKEN configured; loopback only');
    return;
  }
  const auth = req.headers.authorization ?? '';
  const given = Buffer.from(auth.startsWith('Bearer ') ? auth.slice(7) : '');
  const want = Buffer.from(token);
  if (given.length !== want.length || !timingSafeEqual(given, want)) {
    throw new PBX_ERR_HOOK_UNAUTHORIZED('bad or missing bearer token');
  }
}

function intParam(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new PBX_ERR_HOOK_BAD_REQUEST(`${name} must be an integer in ${min}..${max}`);
  }
  return n;
}

function idParam(params: unknown): string {
  const id = (params as { id?: unknown }).id;
  if (typeof id !== 'string' || !ID.test(id)) throw new PBX_ERR_HOOK_BAD_REQUEST('id must match [A-Za-z0-9_-]{1,128}');
  return id;
}

/**
 * Health, readiness, metrics and the dead-letter operator API on one server
 * (the service itself gets the first three from the shared runner and adds
 * {@link addDeadLetterRoutes}):
 *
 * - `GET /healthz`, `GET /readyz`, `GET /metrics`
 * - `GET /deadletters?offset=0&limit=100` → `{ total, items }`
 * - `GET /deadletters/:id`, `DELETE /deadletters/:id`
 * - `POST /deadletters/:id/replay`, `POST /deadletters/replay` (all)
 */
export function buildAdminServer(
  dispatcher: HookDispatcher,
  registry: Registry,
  options: AdminServerOptions = {},
): FastifyInstance {
  const app = fastify({ logger: false });
  addOpsRoutes(app, { registry, readiness: async () => dispatcher.readiness() });
  addDeadLetterRoutes(app, dispatcher, options);
  return app;
}

/** The `/deadletters` operator API, behind the bearer token (or loopback only without one). */
export function addDeadLetterRoutes(app: FastifyInstance, dispatcher: HookDispatcher, options: AdminServerOptions = {}): void {
  app.register(async (admin) => {
    admin.setErrorHandler((err, _req, reply) => {
      if (err instanceof PbxError) return reply.status(err.statusCode).send(err.toJSON());
      const status = (err as { statusCode?: number }).statusCode;
      if (status && status >= 400 && status < 500) {
        return reply.status(status).send({ code: 'PBX_ERR_HOOK_BAD_REQUEST', message: (err as Error).message });
      }
      return reply.status(500).send({ code: 'PBX_ERR_INTERNAL', message: 'internal error' });
    });
    admin.addHook('onRequest', async (req) => checkAdmin(req, options.apiToken));
    admin.get('/deadletters', async (req) => {
      const q = req.query as Record<string, unknown>;
      const offset = intParam(q.offset, 'offset', 0, 1_000_000_000, 0);
      const limit = intParam(q.limit, 'limit', 1, 1000, 100);
      return dispatcher.deadLetters.list(offset, limit);
    });
    admin.get('/deadletters/:id', async (req) => dispatcher.deadLetters.get(idParam(req.params)));
    admin.delete('/deadletters/:id', async (req, reply) => {
      const id = idParam(req.params);
      await dispatcher.deadLetters.get(id);
      await dispatcher.deadLetters.remove(id);
      return reply.status(204).send();
    });
    admin.post('/deadletters/replay', async (_req, reply) =>
      reply.status(202).send({ replayed: await dispatcher.replayAll() }),
    );
    admin.post('/deadletters/:id/replay', async (req, reply) =>
      reply.status(202).send(await dispatcher.replay(idParam(req.params))),
    );
  });
}
