import { BASE_ENV } from '../env/base-env.js';
import type { EnvOf, EnvSchema } from '../env/env-var.js';
import { parseEnv } from '../env/parse-env.js';
import { PbxError } from '../errors/pbx-error.js';
import { createLogger } from '../observability/create-logger.js';
import { createMetrics } from '../observability/create-metrics.js';
import { createOpsServer, type OpsServer, type ReadinessChecks } from '../observability/create-ops-server.js';
import { startTracing } from '../observability/start-tracing.js';
import { PBX_ERR_START_FAILED } from './platform-errors.js';
import type { ServiceContext, ServiceDefinition, ServiceEnv, ServiceHandle } from './service-definition.js';
import { ServiceExit } from './service-exit.js';
import { createInfra } from './service-infra.js';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, runShutdown } from './shutdown.js';

/** Process plumbing, replaceable in tests. */
export interface RunServiceIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly exit: (code: number) => void;
  readonly stderr: (line: string) => void;
  /** Subscribes to a termination signal. */
  readonly onSignal: (signal: NodeJS.Signals, listener: () => void) => void;
}

const PROCESS_IO: RunServiceIo = {
  env: process.env,
  exit: (code) => process.exit(code),
  stderr: (line) => process.stderr.write(`${line}\n`),
  onSignal: (signal, listener) => process.on(signal, listener),
};

/** A service the runner has started (tests use `shutdown`; `main.ts` ignores it). */
export interface RunningService {
  readonly opsPort: number | undefined;
  shutdown(reason: string): Promise<void>;
}

function describe(err: unknown): { code: string; message: string } {
  if (err instanceof PbxError) return { code: err.code, message: err.message };
  const e = new PBX_ERR_START_FAILED(err instanceof Error ? err.message : String(err));
  return { code: e.code, message: e.message };
}

/**
 * Runs one service process, the same way for every service:
 * 1. parses the shared base and the service's own variables once (only its
 *    own: another service's bad variable cannot stop it);
 * 2. a redacting logger, a metrics registry, tracing, connection factories;
 * 3. `build`, then the ops server (`/healthz`, `/readyz`, `/metrics`);
 * 4. on the first SIGTERM/SIGINT: `/readyz` turns 503, then drain → stop →
 *    close ops → close infra → flush tracing → exit 0, all within
 *    `SHUTDOWN_TIMEOUT_MS` (else exit 1 with `PBX_ERR_SHUTDOWN_TIMEOUT`);
 *    a second signal exits 1 at once.
 * A start failure prints `<service> failed to start: <CODE>: <message>` to stderr and exits 1.
 *
 * How a service adopts it (its `main.ts` is this call and nothing else):
 * 1. Declare its own variables in one schema file next to `main.ts`
 *    (`export const X_ENV = { ...REDIS_ENV, ...NATS_ENV, MY_VAR: envVar(parser, default, 'meaning') }`);
 *    the base (LOGLEVEL, INSTANCE_ID, METRICS_PORT/HOST, SHUTDOWN_TIMEOUT_MS, OTEL_*) is added by
 *    the runner. Add the README's `env-table` markers and the schema to `scripts/gen-env-docs.ts`.
 * 2. In `build`, take connections from `ctx.infra` (`redis()`, `redis({ purpose: 'queue' })`
 *    for BullMQ, `nats()`): the runner closes them after `stop`.
 * 3. Return `readiness` (dependency → healthy), `drain` (stop taking work, let work in
 *    flight end: e.g. the call-router refuses new INVITEs and waits for its calls) and `stop`.
 *    A service whose drain is long sets `shutdownTimeoutMs` (operators override it with
 *    `SHUTDOWN_TIMEOUT_MS`; keep the pod's `terminationGracePeriodSeconds` above it).
 */
export async function runService<S extends EnvSchema>(
  definition: ServiceDefinition<S>,
  io: RunServiceIo = PROCESS_IO,
): Promise<RunningService | undefined> {
  const { name } = definition;
  const fail = (err: unknown): undefined => {
    if (err instanceof ServiceExit) {
      io.exit(err.exitCode);
      return undefined;
    }
    const { code, message } = describe(err);
    io.stderr(`${name} failed to start: ${code}: ${message}`);
    io.exit(1);
    return undefined;
  };

  let env: ServiceEnv<S>;
  try {
    env = parseEnv({ ...BASE_ENV, ...definition.env }, io.env) as ServiceEnv<S>;
  } catch (err) {
    return fail(err);
  }
  const base: EnvOf<typeof BASE_ENV> = env;
  const logger = createLogger({ service: name, level: base.LOGLEVEL });
  const tracing = startTracing({ serviceName: name, env: io.env });
  const metrics = createMetrics({ service: name });
  const infra = createInfra(name, env, logger, metrics);
  const deadlineMs = base.SHUTDOWN_TIMEOUT_MS ?? definition.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;

  let handle: ServiceHandle | undefined;
  let ops: OpsServer | undefined;
  let stopping: Promise<void> | undefined;
  let started: Promise<unknown> = Promise.resolve();

  const shutdown = (reason: string): Promise<void> => {
    if (stopping) {
      // A second signal: the operator does not want to wait for a clean stop.
      logger.warn({ signal: reason }, 'second signal; exiting without a clean stop');
      io.exit(1);
      return stopping;
    }
    logger.info({ signal: reason, deadlineMs }, `${name} stopping`);
    stopping = runShutdown({
      service: name,
      deadlineMs,
      logger,
      exit: io.exit,
      steps: [
        { name: 'start', run: () => started.then(() => undefined) },
        { name: 'drain', run: () => handle?.drain?.() },
        { name: 'stop', run: () => handle?.stop() },
        { name: 'ops', run: () => ops?.close() },
        { name: 'infra', run: () => infra.close() },
        { name: 'tracing', run: () => tracing.shutdown() },
      ],
    });
    return stopping;
  };
  io.onSignal('SIGTERM', () => void shutdown('SIGTERM'));
  io.onSignal('SIGINT', () => void shutdown('SIGINT'));

  const ctx: ServiceContext<S> = Object.freeze({ name, env, logger, metrics, tracing, infra });
  try {
    const building = definition.build(ctx);
    started = building.catch(() => undefined);
    handle = await building;
    const own = handle.ops;
    if (own !== false) {
      const h = handle;
      ops = await createOpsServer({
        registry: own?.registry ?? metrics.registry,
        port: own?.port ?? base.METRICS_PORT ?? definition.defaultOpsPort,
        host: own?.host ?? base.METRICS_HOST,
        // Not ready as soon as shutdown begins, so load balancers stop sending work first.
        readiness: async (): Promise<ReadinessChecks> => (stopping ? { running: false } : h.readiness()),
        ...(h.routes && { routes: (app) => h.routes?.(app) }),
      });
    }
  } catch (err) {
    if (stopping) return undefined;
    await Promise.race([infra.close(), new Promise((r) => setTimeout(r, 1000))]);
    await tracing.shutdown().catch(() => undefined);
    return fail(err);
  }
  logger.info({ opsPort: ops?.port, instanceId: base.INSTANCE_ID }, `${name} ready`);
  return { opsPort: ops?.port, shutdown };
}
