import { type Context, type TextMapGetter, type TextMapSetter, context } from '@opentelemetry/api';
import { type MsgHdrs, headers as createHeaders } from 'nats';
import { extractTraceContext as extractFrom, injectTraceContext } from '../observability/trace-context.js';

// W3C Trace Context (traceparent / tracestate) travels in NATS message
// headers, so one call keeps one trace across services. The propagation
// itself is the shared trace-context module's; this file only adapts NATS
// header sets to it. Without a registered propagator these are no-ops.
const setter: TextMapSetter<MsgHdrs> = {
  set: (carrier, key, value) => carrier.set(key, value),
};

const getter: TextMapGetter<MsgHdrs | undefined> = {
  keys: (carrier) => (carrier ? carrier.keys() : []),
  get: (carrier, key) => {
    if (!carrier?.has(key)) return undefined;
    return carrier.get(key);
  },
};

/**
 * Writes the trace context of `ctx` (default: the active one) into `hdrs`,
 * creating the header set when none is given. Returns the headers.
 */
export function injectTraceHeaders(hdrs: MsgHdrs = createHeaders(), ctx: Context = context.active()): MsgHdrs {
  return injectTraceContext(hdrs, setter, ctx);
}

/**
 * Reads `traceparent`/`tracestate` from received headers into a context
 * derived from `base` (default: the active one). Run the handler inside it
 * with `context.with(ctx, …)` so its spans join the sender's trace.
 */
export function extractTraceContext(hdrs: MsgHdrs | undefined, base: Context = context.active()): Context {
  if (!hdrs) return base;
  return extractFrom(hdrs, getter, base);
}
