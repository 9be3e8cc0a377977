import type { MsgHdrs, NatsConnection, PubAck } from 'nats';
import type { DurablePublisher } from './stream-publisher.js';
import { encodeJson } from './json-codec.js';
import { injectTraceHeaders } from './trace-headers.js';
import { atTurnEnd } from '../platform/turn-end.js';

/** Options of {@link publish}. */
export interface PublishOptions {
  /** Extra headers; the trace context is added to them. */
  headers?: MsgHdrs;
}

/** Publishes `payload` as JSON with the active trace context in its headers. */
export function publish(nc: NatsConnection, subject: string, payload: unknown, options: PublishOptions = {}): void {
  nc.publish(subject, encodeJson(payload), { headers: injectTraceHeaders(options.headers) });
}

/** Options of {@link publishDurable}. */
export interface PublishDurableOptions extends PublishOptions {
  /**
   * JetStream de-duplication id (`Nats-Msg-Id`); a repeat inside the stream's
   * duplicate window is acknowledged but not stored twice.
   */
  msgId?: string;
  /**
   * How long to wait for the stream's acknowledgement.
   * @defaultValue 5000
   */
  timeoutMs?: number;
  /**
   * Whether the active trace context goes in the headers; `false` when the
   * payload carries its trace itself (a status envelope's `traceparent`).
   * @defaultValue true
   */
  traceHeaders?: boolean;
}

/**
 * Publishes to a JetStream stream (JSON + trace headers) and waits for the
 * PubAck. The message leaves at the end of the event-loop turn, in one write
 * with the turn's other NATS sends ({@link atTurnEnd}).
 */
export function publishDurable(
  js: DurablePublisher,
  subject: string,
  payload: unknown,
  options: PublishDurableOptions = {},
): Promise<PubAck> {
  const data = encodeJson(payload);
  const publishOptions = {
    headers: options.traceHeaders === false ? options.headers : injectTraceHeaders(options.headers),
    timeout: options.timeoutMs ?? 5000,
    ...(options.msgId ? { msgID: options.msgId } : {}),
  };
  return atTurnEnd(() => js.publish(subject, data, publishOptions));
}
