import { type Attributes, type Span, SpanKind, SpanStatusCode, type Tracer, context, trace } from '@opentelemetry/api';

/**
 * The tracer the shared helpers (NATS, webhooks) create their spans with.
 * Resolved on each call so it follows whatever provider `startTracing` has
 * registered (a no-op before that).
 */
export function sharedTracer(): Tracer {
  return trace.getTracer('@dragonpbx/shared');
}

let exported = false;

/** Set by `startTracing`: whether the spans it records leave the process. */
export function setSpansExported(value: boolean): void {
  exported = value;
}

/**
 * Whether spans leave the process (an OTLP endpoint or the console exporter is
 * configured). Without that, spans still give `traceparent` and log lines their
 * ids, but nobody sees them: a hot path may skip the spans that only a trace
 * viewer needs (see {@link inSpan}).
 */
export function spansExported(): boolean {
  return exported;
}

/** Options of {@link inSpan}. */
export interface InSpanOptions {
  /** @defaultValue `SpanKind.INTERNAL` */
  kind?: SpanKind;
  /** Built only when the span is made. */
  attributes?: () => Attributes;
}

/**
 * Runs `fn` inside a child span of the active context when spans are exported
 * ({@link spansExported}); otherwise just runs `fn`, building nothing. A throw
 * marks the span as an error and is re-thrown. For steps of a call that are
 * worth seeing in a trace but sit on a hot path.
 */
export function inSpan<T>(
  tracer: Tracer | (() => Tracer),
  name: string,
  fn: (span: Span | undefined) => Promise<T>,
  options: InSpanOptions = {},
): Promise<T> {
  if (!exported) return fn(undefined);
  const t = typeof tracer === 'function' ? tracer() : tracer;
  const span = t.startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, ...(options.attributes && { attributes: options.attributes() }) });
  return context.with(trace.setSpan(context.active(), span), async () => {
    try {
      return await fn(span);
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
      throw err;
    } finally {
      span.end();
    }
  });
}
