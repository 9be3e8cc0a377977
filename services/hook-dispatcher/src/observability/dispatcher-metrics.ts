import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Queue sizes sampled when Prometheus scrapes. */
export type DepthProbe = () => Promise<Record<string, number>>;

/** Prometheus metrics of one dispatcher, registered on a registry the caller owns. */
export class DispatcherMetrics {
  readonly delivered: Counter<'host'>;
  readonly failedAttempts: Counter<'host' | 'reason'>;
  readonly retried: Counter<'host'>;
  readonly deadLettered: Counter<'host'>;
  readonly latency: Histogram<'host'>;
  readonly intakeInvalid: Counter;
  /** `dragon_hook_request_seconds{hook="statushook", outcome}`: each attempt, as the other services time their hooks. */
  readonly requestLatency: Histogram<'hook' | 'outcome'>;
  readonly depth: Gauge<'state'>;
  private depthProbe: DepthProbe | undefined;

  constructor(registry: Registry) {
    const registers = [registry];
    this.delivered = new Counter({
      name: 'dragon_hook_delivered_total',
      help: 'StatusHook events answered with 2xx',
      labelNames: ['host'],
      registers,
    });
    this.failedAttempts = new Counter({
      name: 'dragon_hook_failed_attempts_total',
      help: 'StatusHook delivery attempts that did not get a 2xx',
      labelNames: ['host', 'reason'],
      registers,
    });
    this.retried = new Counter({
      name: 'dragon_hook_retried_total',
      help: 'StatusHook attempts scheduled for retry',
      labelNames: ['host'],
      registers,
    });
    this.deadLettered = new Counter({
      name: 'dragon_hook_dead_lettered_total',
      help: 'StatusHook events moved to the dead-letter list',
      labelNames: ['host'],
      registers,
    });
    this.latency = new Histogram({
      name: 'dragon_hook_delivery_latency_seconds',
      help: 'Time from event creation to the 2xx answer',
      labelNames: ['host'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
      registers,
    });
    this.requestLatency = new Histogram({
      name: 'dragon_hook_request_seconds',
      help: 'Webhook request durations, by hook and outcome',
      labelNames: ['hook', 'outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.intakeInvalid = new Counter({
      name: 'dragon_hook_intake_invalid_total',
      help: 'Stream messages rejected as malformed',
      registers,
    });
    const self = this;
    this.depth = new Gauge({
      name: 'dragon_hook_queue_depth',
      help: 'Delivery jobs per state, and dead-lettered events',
      labelNames: ['state'],
      registers,
      async collect() {
        if (!self.depthProbe) return;
        try {
          const counts = await self.depthProbe();
          for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
        } catch {
          // A scrape during a Redis outage still returns the other metrics.
        }
      },
    });
  }

  /** Sets how queue depth is sampled at scrape time. */
  setDepthProbe(probe: DepthProbe): void {
    this.depthProbe = probe;
  }
}
