import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { Msg, NatsConnection, Subscription } from 'nats';
import type { Logger } from 'pino';
import { PbxError } from '../errors/pbx-error.js';
import { sharedTracer } from '../observability/tracer.js';
import type { JsonCodec } from './json-codec.js';
import { decodeJson } from './json-codec.js';
import type { ServeContext } from './serve.js';
import { subscribeEach } from './subscribe-each.js';
import { extractTraceContext } from './trace-headers.js';

/** An event handler; what it throws is logged, never propagated. */
export type EventHandler<T> = (payload: T, ctx: ServeContext) => void | Promise<void>;

/** Options of {@link subscribeJson}. */
export interface SubscribeJsonOptions<T> {
  /**
   * Queue group: each event goes to one member only.
   * @defaultValue none (every subscriber gets every event)
   */
  queue?: string;
  /** Validates events; without it the handler gets the parsed JSON unchecked. */
  codec?: JsonCodec<T>;
  /** Where malformed events and handler failures are reported. */
  logger?: Pick<Logger, 'warn' | 'error'>;
}

/**
 * Subscribes to JSON events (plain NATS, not JetStream). Each event is decoded,
 * validated and handled inside the publisher's trace context. A malformed event
 * (PBX_ERR_NATS_BAD_MESSAGE) or a throwing handler is logged and skipped, so
 * one bad message never stops the subscription. Stop with `sub.drain()`.
 */
export function subscribeJson<T = unknown>(
  nc: NatsConnection,
  subject: string,
  handler: EventHandler<T>,
  options: SubscribeJsonOptions<T> = {},
): Subscription {
  return subscribeEach(nc, subject, (msg) => deliver(msg, handler, options), options);
}

async function deliver<T>(msg: Msg, handler: EventHandler<T>, options: SubscribeJsonOptions<T>): Promise<void> {
  const parent = extractTraceContext(msg.headers);
  const span = sharedTracer().startSpan(
    `nats receive ${msg.subject}`,
    { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': msg.subject } },
    parent,
  );
  const traceContext = trace.setSpan(parent, span);
  try {
    const payload = options.codec ? options.codec.decode(msg.data, msg.subject) : (decodeJson(msg.data, msg.subject) as T);
    await context.with(traceContext, () => handler(payload, { subject: msg.subject, headers: msg.headers, traceContext, span }));
  } catch (err) {
    const code = err instanceof PbxError ? err.code : 'PBX_ERR_NATS_HANDLER_FAILED';
    span.setStatus({ code: SpanStatusCode.ERROR, message: code });
    options.logger?.warn({ err, subject: msg.subject, code }, 'NATS event dropped');
  } finally {
    span.end();
  }
}
