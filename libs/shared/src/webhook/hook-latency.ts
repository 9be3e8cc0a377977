import type { Metrics } from '../observability/create-metrics.js';

/** Which hook a request was: `callhook`, `reghook`, `statushook`, or `webhook` when the caller did not say. */
export type HookName = string;

/** Where hook request durations go: `dragon_hook_request_seconds{hook, outcome}`. */
export interface HookLatency {
  /** `outcome` is `ok` or the failure kind (`http-error`, `timeout`, `network`, `bad-json`, `too-large`). */
  observe(labels: { hook: HookName; outcome: string }, seconds: number): void;
}

/** Hooks answer in milliseconds to seconds; the timeouts are a few seconds. */
const HOOK_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Declares `dragon_hook_request_seconds{hook, outcome}` on a service registry (once per registry). */
export function declareHookLatency(metrics: Metrics): HookLatency {
  return metrics.histogram('hook_request_seconds', 'Webhook request durations, by hook and outcome', ['hook', 'outcome'], HOOK_BUCKETS);
}
