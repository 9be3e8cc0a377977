import { type Attributes, type Context, type Span, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { Msg, MsgHdrs, NatsConnection, Subscription } from 'nats';
import type { Logger } from 'pino';
import { PbxError } from '../errors/pbx-error.js';
import { sharedTracer } from '../observability/tracer.js';
import type { JsonCodec } from './json-codec.js';
import { decodeJson, encodeJson } from './json-codec.js';
import { PBX_ERR_NATS_HANDLER_FAILED } from './nats-errors.js';
import type { RpcReply } from './rpc-reply.js';
import { subscribeEach } from './subscribe-each.js';
import { extractTraceContext } from './trace-headers.js';
import { atTurnEnd } from '../platform/turn-end.js';

/** What a {@link serve} handler gets besides the decoded payload. */
export interface ServeContext {
  subject: string;
  headers: MsgHdrs | undefined;
  /** The sender's trace context; the handler already runs inside it. */
  traceContext: Context;
  /** This message's span (SERVER in serve, CONSUMER in subscribeJson), already active: add to it, never end it. */
  span: Span;
}

/** A request handler. Throw a {@link PbxError} to answer with its code. */
export type ServeHandler<Q, R> = (payload: Q, ctx: ServeContext) => R | Promise<R>;

/** Options of {@link serve}. */
export interface ServeOptions<Q> {
  /**
   * Queue group: each request goes to one member, so replicas share load.
   * @defaultValue none (every subscriber gets every request)
   */
  queue?: string;
  /** Validates requests; without it the handler gets the parsed JSON unchecked. */
  codec?: JsonCodec<Q>;
  /** Where handler failures are logged. */
  logger?: Pick<Logger, 'warn' | 'error'>;
  /**
   * Name of the span each request gets.
   * @defaultValue `nats serve <subject>`
   */
  spanName?: string;
  /** Attributes taken from a decoded request and set on its span (e.g. the call id). */
  spanAttributes?: (payload: Q) => Attributes;
}

/**
 * Serves JSON request/reply on `subject`. Every message gets exactly one
 * {@link RpcReply}: `{ok:true,result}` or `{ok:false,error:{code,message}}`.
 * Malformed requests and handler errors are answered, never thrown, so one bad
 * message cannot take the service down. Stop with `sub.drain()` / `unsubscribe()`.
 */
export function serve<Q = unknown, R = unknown>(
  nc: NatsConnection,
  subject: string,
  handler: ServeHandler<Q, R>,
  options: ServeOptions<Q> = {},
): Subscription {
  return subscribeEach(nc, subject, (msg) => handle(msg, handler, options), options);
}

async function handle<Q, R>(msg: Msg, handler: ServeHandler<Q, R>, options: ServeOptions<Q>): Promise<void> {
  const parent = extractTraceContext(msg.headers);
  const span = sharedTracer().startSpan(
    options.spanName ?? `nats serve ${msg.subject}`,
    { kind: SpanKind.SERVER, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': msg.subject } },
    parent,
  );
  try {
    await answer(msg, handler, options, trace.setSpan(parent, span), span);
  } finally {
    span.end();
  }
}

async function answer<Q, R>(
  msg: Msg,
  handler: ServeHandler<Q, R>,
  options: ServeOptions<Q>,
  traceContext: Context,
  span: Span,
): Promise<void> {
  let reply: RpcReply<R>;
  try {
    const payload = options.codec
      ? options.codec.decode(msg.data, msg.subject)
      : (decodeJson(msg.data, msg.subject) as Q);
    if (options.spanAttributes) span.setAttributes(options.spanAttributes(payload));
    const ctx: ServeContext = { subject: msg.subject, headers: msg.headers, traceContext, span };
    const result = await context.with(traceContext, () => handler(payload, ctx));
    reply = { ok: true, result };
  } catch (err) {
    reply = { ok: false, error: toErrorBody(err, msg.subject) };
    span.setStatus({ code: SpanStatusCode.ERROR, message: reply.error.code });
    options.logger?.warn({ err, subject: msg.subject, code: reply.error.code }, 'NATS request failed');
  }
  if (!msg.reply) return; // a plain publish: nobody to answer
  let data: Uint8Array;
  try {
    data = encodeJson(reply);
  } catch (err) {
    // e.g. the result is not JSON-serialisable (BigInt, cycle)
    data = encodeJson({ ok: false, error: toErrorBody(err, msg.subject) } satisfies RpcReply<R>);
  }
  // With the rest of this turn's NATS traffic, in one write.
  await atTurnEnd(() => msg.respond(data)).catch((err: unknown) => {
    options.logger?.error({ err, subject: msg.subject }, 'NATS reply failed');
  });
}

function toErrorBody(err: unknown, subject: string): { code: string; message: string } {
  if (err instanceof PbxError) return { code: err.code, message: err.message };
  const detail = err instanceof Error ? err.message : String(err);
  const wrapped = new PBX_ERR_NATS_HANDLER_FAILED(subject, detail);
  return { code: wrapped.code, message: wrapped.message };
}
