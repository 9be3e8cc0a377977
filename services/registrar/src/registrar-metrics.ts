import type { Metrics } from '@dragonpbx/shared/platform';
import type { Counter, Gauge } from 'prom-client';

/** Prometheus series of the registrar. */
export interface RegistrarMetrics {
  /** REGISTERs answered, by final status. */
  readonly registers: Counter<'status'>;
  /** Requests dropped by the guard, by reason (`scanner`, `flood`). */
  readonly dropped: Counter<'reason'>;
  /** Outbound trunk registrations this instance holds, by state. */
  readonly trunks: Gauge<'state'>;
}

export function createRegistrarMetrics(metrics: Metrics): RegistrarMetrics {
  return Object.freeze({
    registers: metrics.counter('registrar_registers_total', 'REGISTER requests answered, by status', ['status']),
    dropped: metrics.counter('registrar_dropped_total', 'Requests dropped without an answer, by reason', ['reason']),
    trunks: metrics.gauge('registrar_trunk_registrations', 'Outbound trunk registrations held by this instance', ['state']),
  });
}
