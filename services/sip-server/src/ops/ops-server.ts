import { type ReadinessChecks, createOpsServer } from '@dragonpbx/shared/platform';
import type { SipServerMetrics } from './sip-server-metrics.js';

/** Options of {@link startOpsServer}. */
export interface OpsServerOptions {
  /** @defaultValue '0.0.0.0' */
  readonly host?: string;
  /** 0 → ephemeral (tests). */
  readonly port: number;
  readonly metrics: SipServerMetrics;
  /**
   * Named readiness checks; `/readyz` is 200 only when all are true.
   * @defaultValue always ready
   */
  readonly readiness?: () => ReadinessChecks;
}

/** A running ops listener. */
export interface OpsServer {
  /** The bound port (useful with port 0). */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The sip-server's ops endpoints, served like every other service's by the
 * shared `createOpsServer`: `GET /healthz` (liveness), `GET /readyz`
 * (200 / 503 with the failing checks) and `GET /metrics` (Prometheus text).
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const readiness = options.readiness ?? (() => ({}));
  const ops = await createOpsServer({
    registry: options.metrics.registry,
    readiness: async () => readiness(),
    port: options.port,
    host: options.host ?? '0.0.0.0',
  });
  return { port: ops.port, close: () => ops.close() };
}
