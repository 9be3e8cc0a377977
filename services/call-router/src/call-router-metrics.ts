import type { Metrics } from '@dragonpbx/shared/platform';
import type { Counter, Gauge, Histogram } from 'prom-client';

/** Prometheus series of the call-router. */
export interface CallRouterMetrics {
  /** INVITEs finished, by the final status the caller got (487 when it cancelled). */
  readonly invites: Counter<'status'>;
  /** Calls this instance is handling now. */
  readonly activeCalls: Gauge;
  /** StatusHook events that could not be published. */
  readonly publishFailures: Counter;
  /** Calls whose INVITE was readable and taken into a session (the routing chain started). */
  readonly callsStarted: Counter;
  /** Calls answered (200 OK sent to the caller). */
  readonly callsAnswered: Counter;
  /** Calls that ended with a final status ≥ 300 other than a 401/407 challenge, by that status (487: the caller cancelled). */
  readonly callsFailed: Counter<'code'>;
  /** Post-dial delay: INVITE in → the first B-leg INVITE of a `connect` sent, seconds. */
  readonly postDialDelay: Histogram;
  /** Answer time: INVITE in → 200 OK sent to the caller, seconds. */
  readonly answerTime: Histogram;
}

/** Post-dial delay and answer time span milliseconds to minutes. */
const CALL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export function createCallRouterMetrics(metrics: Metrics): CallRouterMetrics {
  return Object.freeze({
    invites: metrics.counter('call_router_invites_total', 'INVITEs finished, by final status', ['status']),
    activeCalls: metrics.gauge('call_router_active_calls', 'Calls handled by this instance now'),
    publishFailures: metrics.counter('call_router_status_publish_failures_total', 'StatusHook events not published'),
    callsStarted: metrics.counter('call_router_calls_started_total', 'Calls whose INVITE entered the routing chain'),
    callsAnswered: metrics.counter('call_router_calls_answered_total', 'Calls answered (200 OK to the caller)'),
    callsFailed: metrics.counter('call_router_calls_failed_total', 'Calls ended with a final status >= 300 (not a 401/407 challenge), by SIP code', ['code']),
    postDialDelay: metrics.histogram('call_router_post_dial_delay_seconds', 'INVITE in to the first B-leg INVITE out', [], CALL_BUCKETS),
    answerTime: metrics.histogram('call_router_answer_time_seconds', 'INVITE in to 200 OK to the caller', [], CALL_BUCKETS),
  });
}
