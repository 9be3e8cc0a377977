import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { ErrorCode, type MsgHdrs, type NatsConnection, NatsError } from 'nats';
import { sharedTracer, spansExported } from '../observability/tracer.js';
import type { JsonCodec } from './json-codec.js';
import { decodeJson, encodeJson } from './json-codec.js';
import { NatsRemoteError } from './nats-remote-error.js';
import {
  PBX_ERR_NATS_BAD_MESSAGE,
  PBX_ERR_NATS_NO_RESPONDERS,
  PBX_ERR_NATS_REQUEST_FAILED,
  PBX_ERR_NATS_TIMEOUT,
} from './nats-errors.js';
import { injectTraceHeaders } from './trace-headers.js';
import { atTurnEnd } from '../platform/turn-end.js';
import { ReplyInbox } from './reply-inbox.js';

/** Options of {@link request}. */
export interface RequestOptions<R> {
  /**
   * How long to wait for the reply.
   * @defaultValue 2000
   */
  timeoutMs?: number;
  /** Validates the `result` of the reply; without it the result is returned unchecked. */
  resultCodec?: JsonCodec<R>;
  /** Extra headers; the trace context is added to them. */
  headers?: MsgHdrs;
}

/**
 * Sends a JSON request to a {@link serve} service and returns its `result`.
 *
 * @throws PBX_ERR_NATS_TIMEOUT when no reply arrives within `timeoutMs`
 * @throws PBX_ERR_NATS_NO_RESPONDERS when no service listens on `subject`
 * @throws NatsRemoteError (PBX_ERR_NATS_REMOTE) when the service answers `{ok:false}`
 * @throws PBX_ERR_NATS_BAD_MESSAGE when the reply is not a valid envelope / result
 */
export function request<R = unknown>(
  nc: NatsConnection,
  subject: string,
  payload: unknown,
  options: RequestOptions<R> = {},
): Promise<R> {
  // Without an exporter a span inside the caller's trace would only give `traceparent` a span
  // id nobody will see: the caller's context goes as it is, with no span made or entered.
  if (!spansExported() && trace.getSpanContext(context.active()) !== undefined) {
    return observed(nc, subject, () => doRequest<R>(nc, subject, payload, options));
  }
  // One CLIENT span per request; its context is what travels in `traceparent`.
  return sharedTracer().startActiveSpan(
    `nats request ${subject}`,
    { kind: SpanKind.CLIENT, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': subject } },
    async (span) => {
      try {
        return await observed(nc, subject, () => doRequest<R>(nc, subject, payload, options));
      } catch (err) {
        span.recordException(err as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/** Runs one request, telling the connection's observer (if any) how it ended. */
async function observed<R>(nc: NatsConnection, subject: string, run: () => Promise<R>): Promise<R> {
  const observer = observers.get(nc);
  if (!observer) return run();
  const started = performance.now();
  try {
    const result = await run();
    observer(subject, 'ok', (performance.now() - started) / 1000);
    return result;
  } catch (err) {
    observer(subject, outcomeOf(err), (performance.now() - started) / 1000);
    throw err;
  }
}

/** How one {@link request} ended, as a metric label. */
export type NatsRequestOutcome = 'ok' | 'timeout' | 'no_responders' | 'remote_error' | 'bad_reply' | 'error';

/** Told the subject, outcome and duration (seconds) of every request made on one connection. */
export type NatsRequestObserver = (subject: string, outcome: NatsRequestOutcome, seconds: number) => void;

const observers = new WeakMap<NatsConnection, NatsRequestObserver>();

/**
 * Reports every {@link request} made on `nc` to `observer` (the service runner
 * feeds `dragon_nats_request_seconds` this way). One observer per connection;
 * it must not throw.
 */
export function observeNatsRequests(nc: NatsConnection, observer: NatsRequestObserver): void {
  observers.set(nc, observer);
}

function outcomeOf(err: unknown): NatsRequestOutcome {
  if (err instanceof NatsRemoteError) return 'remote_error';
  if (err instanceof PBX_ERR_NATS_TIMEOUT) return 'timeout';
  if (err instanceof PBX_ERR_NATS_NO_RESPONDERS) return 'no_responders';
  if (err instanceof PBX_ERR_NATS_BAD_MESSAGE) return 'bad_reply';
  return 'error';
}

async function doRequest<R>(nc: NatsConnection, subject: string, payload: unknown, options: RequestOptions<R>): Promise<R> {
  const timeoutMs = options.timeoutMs ?? 2000;
  let reply: Uint8Array;
  try {
    const headers = injectTraceHeaders(options.headers);
    // Without tracing there may be nothing to send: an empty header block still costs both sides a parse.
    const data = encodeJson(payload);
    const inbox = inboxOf(nc);
    // Sent with the rest of this turn's NATS traffic, in one write.
    const msg = await atTurnEnd(() => inbox.request(subject, data, timeoutMs, headers.keys().length > 0 ? headers : undefined));
    reply = msg.data;
  } catch (err) {
    throw mapRequestError(err, subject, timeoutMs);
  }
  const envelope = decodeJson(reply, subject);
  if (!isEnvelope(envelope)) {
    throw new PBX_ERR_NATS_BAD_MESSAGE(subject, 'reply is not an {ok, result|error} envelope');
  }
  if (!envelope.ok) throw new NatsRemoteError(subject, envelope.error);
  if (!options.resultCodec) return envelope.result as R;
  return options.resultCodec.check(envelope.result, subject);
}

/** How often late replies are looked for, ms: a request times out at most this late. */
const REQUEST_SWEEP_MS = 50;

const inboxes = new WeakMap<NatsConnection, ReplyInbox>();

/** The connection's one reply inbox, made at its first request and closed with the connection. */
function inboxOf(nc: NatsConnection): ReplyInbox {
  let inbox = inboxes.get(nc);
  if (inbox === undefined) {
    const created = new ReplyInbox(nc, REQUEST_SWEEP_MS);
    inbox = created;
    inboxes.set(nc, created);
    void nc.closed().then(() => created.close());
  }
  return inbox;
}

function mapRequestError(err: unknown, subject: string, timeoutMs: number): Error {
  if (err instanceof PBX_ERR_NATS_TIMEOUT || err instanceof PBX_ERR_NATS_NO_RESPONDERS || err instanceof PBX_ERR_NATS_REQUEST_FAILED) return err;
  if (err instanceof NatsError) {
    if (err.code === ErrorCode.Timeout) return new PBX_ERR_NATS_TIMEOUT(subject, timeoutMs);
    if (err.code === ErrorCode.NoResponders) return new PBX_ERR_NATS_NO_RESPONDERS(subject);
  }
  const e = err instanceof Error ? err : new Error(String(err));
  return new PBX_ERR_NATS_REQUEST_FAILED(subject, e.message, e);
}

type Envelope = { ok: true; result?: unknown } | { ok: false; error: { code: string; message: string } };

function isEnvelope(v: unknown): v is Envelope {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  if (o.ok === true) return true;
  if (o.ok !== false || typeof o.error !== 'object' || o.error === null) return false;
  const e = o.error as Record<string, unknown>;
  return typeof e.code === 'string' && typeof e.message === 'string';
}
