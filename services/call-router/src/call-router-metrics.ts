import type { Metrics } from '@dragonpbx/shared/platform';
import type { Counter, Gauge } from 'prom-client';

/** Prometheus series of the call-router. */
export interface CallRouterMetrics {
  /** INVITEs finished, by the final status the caller got (487 when it cancelled). */
  readonly invites: Counter<'status'>;
  /** Calls this instance is handling now. */
  readonly activeCalls: Gauge;
  /** StatusHook events that could not be published. */
  readonly publishFailures: Counter;
}

export function createCallRouterMetrics(metrics: Metrics): CallRouterMetrics {
  return Object.freeze({
    invites: metrics.counter('call_router_invites_total', 'INVITEs finished, by final status', ['status']),
    activeCalls: metrics.gauge('call_router_active_calls', 'Calls handled by this instance now'),
    publishFailures: metrics.counter('call_router_status_publish_failures_total', 'StatusHook events not published'),
  });
}
