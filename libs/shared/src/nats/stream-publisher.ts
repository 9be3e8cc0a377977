import { type JetStreamPublishOptions, type Msg, type MsgHdrs, type NatsConnection, type PubAck, headers as natsHeaders } from 'nats';
import { PBX_ERR_NATS_REQUEST_FAILED } from './nats-errors.js';
import { ReplyInbox } from './reply-inbox.js';

/** What {@link StreamPublisher.publish} accepts: the part of `js.publish`'s options it honours. */
export type StreamPublishOptions = Partial<Pick<JetStreamPublishOptions, 'msgID' | 'headers' | 'timeout'>>;

/** Anything that publishes to a stream and resolves with the stream's acknowledgement (`js` itself qualifies). */
export interface DurablePublisher {
  publish(subject: string, data?: Uint8Array, options?: StreamPublishOptions): Promise<PubAck>;
}

/** How often late acknowledgements are looked for, ms. */
const SWEEP_MS = 250;
const utf8 = new TextDecoder();

/**
 * JetStream publishing with acknowledgements for a producer of many small
 * messages (the call-router's status events). nats.js's `js.publish` makes
 * each message a request of its own — a deferred, a timer and, once it
 * settles, an error object. Here every acknowledgement comes to one
 * {@link ReplyInbox}. Same wire traffic, same
 * guarantees: resolves with the stream's PubAck (`duplicate` for a repeated
 * `Nats-Msg-Id`), rejects when no stream takes the subject, when the stream
 * refuses the message, or when no acknowledgement arrives in time.
 */
export class StreamPublisher implements DurablePublisher {
  readonly #inbox: ReplyInbox;
  readonly #timeoutMs: number;
  #closed = false;

  /** @param options.timeoutMs how long to wait for an acknowledgement by default (5000) */
  constructor(nc: NatsConnection, options: { timeoutMs?: number } = {}) {
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#inbox = new ReplyInbox(nc, SWEEP_MS);
  }

  /** Messages still waiting for their acknowledgement. */
  get pending(): number {
    return this.#inbox.pending;
  }

  async publish(subject: string, data: Uint8Array = new Uint8Array(0), options: StreamPublishOptions = {}): Promise<PubAck> {
    if (this.#closed) throw new PBX_ERR_NATS_REQUEST_FAILED(subject, 'the publisher is closed');
    let headers: MsgHdrs | undefined = options.headers;
    if (options.msgID) {
      headers ??= natsHeaders();
      headers.set('Nats-Msg-Id', options.msgID);
    }
    return toPubAck(subject, await this.#inbox.request(subject, data, options.timeout ?? this.#timeoutMs, headers));
  }

  /** Stops listening for acknowledgements; what is still pending is rejected. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#inbox.close();
  }
}

/** The stream's acknowledgement, or why it refused the message. */
function toPubAck(subject: string, msg: Msg): PubAck {
  let ack: { stream?: unknown; seq?: unknown; duplicate?: unknown; domain?: unknown; error?: { code?: number; description?: string } };
  try {
    ack = JSON.parse(utf8.decode(msg.data));
  } catch {
    throw new PBX_ERR_NATS_REQUEST_FAILED(subject, 'the acknowledgement is not JSON');
  }
  if (ack.error !== undefined || typeof ack.stream !== 'string' || typeof ack.seq !== 'number') {
    const why = ack.error ? `${ack.error.code ?? '?'} ${ack.error.description ?? ''}`.trim() : 'not a PubAck';
    throw new PBX_ERR_NATS_REQUEST_FAILED(subject, `stream refused the message: ${why}`);
  }
  return { stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate === true, domain: typeof ack.domain === 'string' ? ack.domain : '' };
}
