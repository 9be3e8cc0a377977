import { type JetStreamPublishOptions, type Msg, type MsgHdrs, type NatsConnection, type NatsError, type PubAck, type Subscription, createInbox, headers as natsHeaders } from 'nats';
import { PBX_ERR_NATS_NO_RESPONDERS, PBX_ERR_NATS_REQUEST_FAILED, PBX_ERR_NATS_TIMEOUT } from './nats-errors.js';

/** What {@link StreamPublisher.publish} accepts: the part of `js.publish`'s options it honours. */
export type StreamPublishOptions = Partial<Pick<JetStreamPublishOptions, 'msgID' | 'headers' | 'timeout'>>;

/** Anything that publishes to a stream and resolves with the stream's acknowledgement (`js` itself qualifies). */
export interface DurablePublisher {
  publish(subject: string, data?: Uint8Array, options?: StreamPublishOptions): Promise<PubAck>;
}

interface Pending {
  readonly subject: string;
  readonly deadline: number;
  readonly timeoutMs: number;
  resolve(ack: PubAck): void;
  reject(err: Error): void;
}

/** How often late acknowledgements are looked for, ms. */
const SWEEP_MS = 250;
const utf8 = new TextDecoder();

/**
 * JetStream publishing with acknowledgements for a producer of many small
 * messages (the call-router's status events). nats.js's `js.publish` makes
 * each message a request of its own — a deferred, a timer and, once it
 * settles, an error object. Here every acknowledgement comes to one inbox
 * subscription (`<inbox>.<n>`), pending publishes wait in a map, and one
 * timer expires those whose acknowledgement is late. Same wire traffic, same
 * guarantees: resolves with the stream's PubAck (`duplicate` for a repeated
 * `Nats-Msg-Id`), rejects when no stream takes the subject, when the stream
 * refuses the message, or when no acknowledgement arrives in time.
 */
export class StreamPublisher implements DurablePublisher {
  readonly #nc: NatsConnection;
  readonly #inbox: string;
  readonly #timeoutMs: number;
  readonly #pending = new Map<string, Pending>();
  readonly #sub: Subscription;
  #timer: NodeJS.Timeout | undefined;
  #next = 0;
  #closed = false;

  /** @param options.timeoutMs how long to wait for an acknowledgement by default (5000) */
  constructor(nc: NatsConnection, options: { timeoutMs?: number } = {}) {
    this.#nc = nc;
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#inbox = createInbox();
    this.#sub = nc.subscribe(`${this.#inbox}.*`, { callback: (err, msg) => this.#onAck(err, msg) });
  }

  /** Messages still waiting for their acknowledgement. */
  get pending(): number {
    return this.#pending.size;
  }

  publish(subject: string, data: Uint8Array = new Uint8Array(0), options: StreamPublishOptions = {}): Promise<PubAck> {
    if (this.#closed) return Promise.reject(new PBX_ERR_NATS_REQUEST_FAILED(subject, 'the publisher is closed'));
    const headers: MsgHdrs = options.headers ?? natsHeaders();
    if (options.msgID) headers.set('Nats-Msg-Id', options.msgID);
    const timeoutMs = options.timeout ?? this.#timeoutMs;
    const id = (++this.#next).toString(36);
    return new Promise<PubAck>((resolve, reject) => {
      this.#pending.set(id, { subject, deadline: Date.now() + timeoutMs, timeoutMs, resolve, reject });
      this.#timer ??= setInterval(() => this.#sweep(), SWEEP_MS).unref();
      try {
        this.#nc.publish(subject, data, { reply: `${this.#inbox}.${id}`, headers });
      } catch (err) {
        this.#pending.delete(id);
        reject(new PBX_ERR_NATS_REQUEST_FAILED(subject, (err as Error).message, err as Error));
      }
    });
  }

  /** Stops listening for acknowledgements; what is still pending is rejected. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#sub.unsubscribe();
    for (const p of this.#pending.values()) p.reject(new PBX_ERR_NATS_REQUEST_FAILED(p.subject, 'the publisher closed before the acknowledgement'));
    this.#pending.clear();
  }

  #onAck(err: NatsError | null, msg: Msg): void {
    if (err) return; // the subscription itself failed (e.g. closed): the sweep expires what waits
    const id = msg.subject.slice(this.#inbox.length + 1);
    const p = this.#pending.get(id);
    if (p === undefined) return; // already expired
    this.#pending.delete(id);
    if (this.#pending.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
    // A status message (no payload): 503 means nothing is subscribed, i.e. no stream takes the subject.
    if (msg.headers?.hasError) {
      p.reject(
        msg.headers.code === 503
          ? new PBX_ERR_NATS_NO_RESPONDERS(p.subject)
          : new PBX_ERR_NATS_REQUEST_FAILED(p.subject, `${msg.headers.code} ${msg.headers.description}`),
      );
      return;
    }
    let ack: { stream?: unknown; seq?: unknown; duplicate?: unknown; domain?: unknown; error?: { code?: number; description?: string } };
    try {
      ack = JSON.parse(utf8.decode(msg.data));
    } catch {
      p.reject(new PBX_ERR_NATS_REQUEST_FAILED(p.subject, 'the acknowledgement is not JSON'));
      return;
    }
    if (ack.error !== undefined || typeof ack.stream !== 'string' || typeof ack.seq !== 'number') {
      const why = ack.error ? `${ack.error.code ?? '?'} ${ack.error.description ?? ''}`.trim() : 'not a PubAck';
      p.reject(new PBX_ERR_NATS_REQUEST_FAILED(p.subject, `stream refused the message: ${why}`));
      return;
    }
    p.resolve({
      stream: ack.stream,
      seq: ack.seq,
      duplicate: ack.duplicate === true,
      domain: typeof ack.domain === 'string' ? ack.domain : '',
    });
  }

  #sweep(): void {
    const now = Date.now();
    for (const [id, p] of this.#pending) {
      if (p.deadline > now) continue;
      this.#pending.delete(id);
      p.reject(new PBX_ERR_NATS_TIMEOUT(p.subject, p.timeoutMs));
    }
    if (this.#pending.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}
