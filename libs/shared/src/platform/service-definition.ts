import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { BASE_ENV } from '../env/base-env.js';
import type { EnvOf, EnvSchema } from '../env/env-var.js';
import type { ReadinessChecks } from '../observability/create-ops-server.js';
import type { Metrics } from '../observability/create-metrics.js';
import type { Tracing } from '../observability/start-tracing.js';
import type { ServiceInfra } from './service-infra.js';

/** The environment a service sees: the shared base plus its own schema, parsed once and frozen. */
export type ServiceEnv<S extends EnvSchema> = EnvOf<typeof BASE_ENV> & EnvOf<S>;

/** What the runner hands to a service's `build`. */
export interface ServiceContext<S extends EnvSchema> {
  readonly name: string;
  readonly env: ServiceEnv<S>;
  /** pino with secret redaction, bound to `service`, at `LOGLEVEL`. */
  readonly logger: Logger;
  /** The service's Prometheus registry, served on `/metrics`. */
  readonly metrics: Metrics;
  readonly tracing: Tracing;
  /** Shared-settings connection factories; whatever they open is closed at shutdown. */
  readonly infra: ServiceInfra;
}

/** Where and what the ops server serves, when a service decides it itself. */
export interface OpsOverride {
  /** @defaultValue the runner's registry */
  readonly registry?: Registry;
  /** @defaultValue `METRICS_PORT`, else the service's `defaultOpsPort` */
  readonly port?: number;
  /** @defaultValue `METRICS_HOST` */
  readonly host?: string;
}

/** A started service, as `build` returns it. */
export interface ServiceHandle {
  /** Dependency name → healthy; `/readyz` is 200 only when all are true (and shutdown has not begun). */
  readiness(): ReadinessChecks | Promise<ReadinessChecks>;
  /** Stops taking new work and lets work in flight finish (called first at shutdown). */
  drain?(): Promise<void>;
  /** Releases what the service opened itself (infra from `ctx.infra` is closed by the runner). */
  stop(): Promise<void>;
  /** Extra routes on the ops server (e.g. an operator API). */
  routes?(app: FastifyInstance): void;
  /** `false`: the service serves its own ops endpoints, the runner opens none. */
  readonly ops?: OpsOverride | false;
}

/**
 * One service, as `runService` runs it.
 *
 * @example
 * runService({
 *   name: 'media-controller',
 *   env: MEDIA_CONTROLLER_ENV,
 *   defaultOpsPort: 9403,
 *   build: async ({ env, logger, infra }) => {
 *     const controller = new MediaController(…, { redis: infra.redis(), nc: await infra.nats(), logger });
 *     await controller.start();
 *     return { readiness: () => controller.readiness(), stop: () => controller.stop() };
 *   },
 * });
 */
export interface ServiceDefinition<S extends EnvSchema> {
  /** Log `service` binding, metrics label, tracing service name, start/stop messages. */
  readonly name: string;
  /** The service's own variables; the runner adds the shared base ({@link BASE_ENV}). */
  readonly env: S;
  /** Ops port when `METRICS_PORT` is unset. */
  readonly defaultOpsPort: number;
  /**
   * Drain-and-stop deadline when `SHUTDOWN_TIMEOUT_MS` is unset; a service whose
   * work takes long to finish (calls) sets a longer one.
   * @defaultValue 10000
   */
  readonly shutdownTimeoutMs?: number;
  build(ctx: ServiceContext<S>): Promise<ServiceHandle>;
}
