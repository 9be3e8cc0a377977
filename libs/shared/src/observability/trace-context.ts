import {
  type Context,
  ROOT_CONTEXT,
  type SpanContext,
  type TextMapGetter,
  type TextMapSetter,
  TraceFlags,
  context,
  propagation,
  trace,
} from '@opentelemetry/api';

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/) in one place: the
 * NATS helpers, the webhook poster and the hook-dispatcher all carry a call's
 * trace through here, so a call keeps one trace across services and hooks.
 */

/** The header that carries the trace (W3C Trace Context §3.2). */
export const TRACEPARENT_HEADER = 'traceparent';

/** `version-traceid-parentid-flags`, lower-case hex (W3C Trace Context §3.2.2). */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** Whether `value` has the shape of a `traceparent` header value. */
export function isTraceparent(value: string | undefined): value is string {
  return value !== undefined && TRACEPARENT.test(value);
}

/**
 * Context whose parent is the span a W3C `traceparent` names, so work joins
 * that trace even when no global propagator is registered. Invalid input
 * (version `ff`, all-zero ids, bad shape) yields `base` unchanged.
 */
export function contextFromTraceparent(traceparent: string | undefined, base: Context = ROOT_CONTEXT): Context {
  const m = traceparent ? TRACEPARENT.exec(traceparent) : null;
  if (!m || m[1] === 'ff' || /^0+$/.test(m[2]!) || /^0+$/.test(m[3]!)) return base;
  const parent: SpanContext = {
    traceId: m[2]!,
    spanId: m[3]!,
    traceFlags: Number.parseInt(m[4]!, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  };
  return trace.setSpanContext(base, parent);
}

/** `traceparent` header value for a span context; undefined when the context is not valid. */
export function formatTraceparent(ctx: SpanContext): string | undefined {
  if (!trace.isSpanContextValid(ctx)) return undefined;
  return `00-${ctx.traceId}-${ctx.spanId}-${(ctx.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** A plain header record as a propagation carrier. */
export const recordSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/**
 * Writes the trace context of `ctx` into `carrier` with the globally
 * registered propagator (`startTracing` registers W3C; tracestate and baggage
 * travel too). Without one, `fallback` (when given) receives the W3C
 * `traceparent` of the span in `ctx`, so a service or test that never
 * registered a propagator still links its hooks to the trace.
 */
export function injectTraceContext<C>(
  carrier: C,
  setter: TextMapSetter<C>,
  ctx: Context = context.active(),
  fallback?: (traceparent: string) => void,
): C {
  let wrote = false;
  propagation.inject(ctx, carrier, {
    set: (c, key, value) => {
      wrote = true;
      setter.set(c, key, value);
    },
  });
  if (!wrote && fallback) {
    const span = trace.getSpanContext(ctx);
    const tp = span ? formatTraceparent(span) : undefined;
    if (tp) fallback(tp);
  }
  return carrier;
}

/**
 * Reads the trace context from a received carrier into a context derived from
 * `base`, with the globally registered propagator (a no-op without one). Run
 * the handler inside it (`context.with`) so its spans join the sender's trace.
 */
export function extractTraceContext<C>(carrier: C, getter: TextMapGetter<C>, base: Context = context.active()): Context {
  return propagation.extract(base, carrier, getter);
}
