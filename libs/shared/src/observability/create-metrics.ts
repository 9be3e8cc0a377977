import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Options of {@link createMetrics}. */
export interface MetricsOptions {
  /** Service name, added as the `service` label to every series. */
  service: string;
  /**
   * Prefix of every metric name this registry declares (not the default metrics).
   * @defaultValue `'dragon_'`
   */
  prefix?: string;
  /**
   * Collect the process metrics (CPU, memory, event-loop lag, GC…).
   * @defaultValue true
   */
  defaultMetrics?: boolean;
}

/** A per-service Prometheus registry with small declaration helpers. */
export interface Metrics {
  readonly registry: Registry;
  counter<L extends string = string>(name: string, help: string, labelNames?: readonly L[]): Counter<L>;
  /** `collect` runs at each scrape (set the gauge from it); a throw is swallowed so the scrape still answers. */
  gauge<L extends string = string>(name: string, help: string, labelNames?: readonly L[], collect?: (gauge: Gauge<L>) => Promise<void> | void): Gauge<L>;
  /** Buckets in seconds. @defaultValue {@link LATENCY_BUCKETS} */
  histogram<L extends string = string>(
    name: string,
    help: string,
    labelNames?: readonly L[],
    buckets?: readonly number[],
  ): Histogram<L>;
}

/** Latency buckets (seconds) suited to hook calls and post-dial delay. */
export const LATENCY_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
]);

/**
 * Creates a registry of its own (never the prom-client global one, so two
 * services or tests in one process do not collide).
 */
export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const prefix = options.prefix ?? 'dragon_';
  const full = (name: string) => `${prefix}${name}`;
  return Object.freeze({
    registry,
    counter: <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
      new Counter<L>({ name: full(name), help, labelNames, registers: [registry] }),
    gauge: <L extends string>(name: string, help: string, labelNames: readonly L[] = [], collect?: (gauge: Gauge<L>) => Promise<void> | void) =>
      new Gauge<L>({
        name: full(name),
        help,
        labelNames,
        registers: [registry],
        ...(collect && {
          async collect(this: Gauge<L>) {
            try {
              await collect(this);
            } catch {
              // e.g. Redis down: the scrape still returns every other series
            }
          },
        }),
      }),
    histogram: <L extends string>(name: string, help: string, labelNames: readonly L[] = [], buckets = LATENCY_BUCKETS) =>
      new Histogram<L>({ name: full(name), help, labelNames, buckets: [...buckets], registers: [registry] }),
  });
}
