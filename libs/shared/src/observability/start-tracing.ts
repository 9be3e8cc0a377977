import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK, resources, tracing } from '@opentelemetry/sdk-node';
import { setSpansExported } from './tracer.js';

/** Options of {@link startTracing}. */
export interface TracingOptions {
  /** `service.name` resource attribute (`OTEL_SERVICE_NAME` wins when set). */
  serviceName: string;
  /**
   * Environment to read `OTEL_*` from.
   * @defaultValue `process.env`
   */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Export spans here instead of OTLP (tests, custom back ends); spans are
   * handed over one by one as they end.
   * @defaultValue OTLP/HTTP when an endpoint is configured, else none
   */
  exporter?: tracing.SpanExporter;
}

/** What {@link startTracing} did; `shutdown` flushes pending spans. */
export interface Tracing {
  /** `false` when `OTEL_SDK_DISABLED=true`. */
  enabled: boolean;
  /** The trace endpoint spans go to, `undefined` when they are not exported. */
  exportUrl: string | undefined;
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry tracing for this process: async context, W3C trace
 * context propagation, and a tracer provider. Spans are exported over OTLP/HTTP
 * only when `OTEL_EXPORTER_OTLP_ENDPOINT` (or `…_TRACES_ENDPOINT`) is set and
 * `OTEL_TRACES_EXPORTER` is not `none`/`console` (`console` prints them);
 * otherwise spans still get ids (for `traceparent` and log correlation) but
 * are not recorded: a new trace is not sampled, and only a trace the sender
 * marked sampled is recorded (and dropped), so its flag travels on unchanged.
 * `OTEL_SDK_DISABLED=true` turns it all off. Call once at boot.
 */
export function startTracing(options: TracingOptions): Tracing {
  const env = options.env ?? process.env;
  if (/^true$/i.test(env.OTEL_SDK_DISABLED?.trim() ?? '')) {
    return { enabled: false, exportUrl: undefined, shutdown: async () => {} };
  }
  // OTEL_TRACES_EXPORTER: `otlp` (default when an endpoint is set), `console`, or `none`.
  const kind = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  const exportUrl = options.exporter || kind === 'none' || kind === 'console' ? undefined : traceUrl(env);
  const processor = options.exporter
    ? new tracing.SimpleSpanProcessor(options.exporter)
    : kind === 'console'
      ? new tracing.SimpleSpanProcessor(new tracing.ConsoleSpanExporter())
      : exportUrl
        ? new tracing.BatchSpanProcessor(new OTLPTraceExporter({ url: exportUrl }))
        : new tracing.NoopSpanProcessor();
  // With nowhere to export, recording every span (attributes, events, timings) is wasted work.
  const exports = options.exporter !== undefined || kind === 'console' || exportUrl !== undefined;
  const sdk = new NodeSDK({
    ...(exports ? {} : { sampler: new tracing.ParentBasedSampler({ root: new tracing.AlwaysOffSampler() }) }),
    serviceName: env.OTEL_SERVICE_NAME || options.serviceName,
    resource: resources.resourceFromAttributes({}),
    autoDetectResources: true,
    resourceDetectors: [resources.envDetector],
    spanProcessors: [processor],
    // Traces only: metrics are Prometheus, logs are pino.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  setSpansExported(exports);
  let stopped: Promise<void> | undefined;
  return {
    enabled: true,
    exportUrl,
    shutdown() {
      stopped ??= sdk.shutdown().finally(() => {
        // Unregister the globals so a later start (tests, restarts) works.
        setSpansExported(false);
        trace.disable();
        context.disable();
        propagation.disable();
      });
      return stopped;
    },
  };
}

function traceUrl(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const specific = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (specific) return specific;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  // OTLP/HTTP exporter spec: the signal path is appended to the base endpoint.
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
}
