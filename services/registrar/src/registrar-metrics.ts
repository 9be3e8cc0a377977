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
  /** Binding changes of accepted REGISTERs, by type (`registered`, `refreshed`, `unregistered`, `evicted`). */
  readonly registrations: Counter<'type'>;
  /** REGISTERs refused (not the 401 challenge), by reason: see {@link failureReason}. */
  readonly failures: Counter<'reason'>;
  /** Extensions with a live contact in all configured domains (cluster-wide: every replica reports the same value). */
  readonly active: Gauge;
}

/** Counts the live registrations at scrape time. */
export type ActiveRegistrationsProbe = () => Promise<number>;

export function createRegistrarMetrics(metrics: Metrics, activeProbe?: ActiveRegistrationsProbe): RegistrarMetrics {
  return Object.freeze({
    registers: metrics.counter('registrar_registers_total', 'REGISTER requests answered, by status', ['status']),
    dropped: metrics.counter('registrar_dropped_total', 'Requests dropped without an answer, by reason', ['reason']),
    trunks: metrics.gauge('registrar_trunk_registrations', 'Outbound trunk registrations held by this instance', ['state']),
    registrations: metrics.counter('registrar_registrations_total', 'Contact binding changes of accepted REGISTERs, by type', ['type']),
    failures: metrics.counter('registrar_registration_failures_total', 'REGISTERs refused, by reason', ['reason']),
    active: metrics.gauge('registrar_registrations_active', 'Extensions with a live contact, all domains (cluster-wide)', [], async (g) => {
      if (activeProbe) g.set(await activeProbe());
    }),
  });
}
