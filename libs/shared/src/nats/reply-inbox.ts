import { type Msg, type MsgHdrs, type NatsConnection, type NatsError, type Subscription, createInbox } from 'nats';
import { PBX_ERR_NATS_NO_RESPONDERS, PBX_ERR_NATS_REQUEST_FAILED, PBX_ERR_NATS_TIMEOUT } from './nats-errors.js';

interface Pending {
  readonly subject: string;
  readonly deadline: number;
  readonly timeoutMs: number;
  resolve(msg: Msg): void;
  reject(err: Error): void;
}

/**
 * Request/reply for a producer of many small requests (the call-router's
 * media requests, its status events' acknowledgements). nats.js makes each
 * request an object of its own with a deferred, a timer and, once it settles
 * even successfully, an error object with a captured stack. Here every reply
 * comes to one inbox subscription (`<inbox>.<n>`), pending requests wait in a
 * map, and one timer expires those whose reply is late (within `sweepMs` of
 * their deadline). Same wire traffic as `nc.request`: a PUB with a reply
 * subject, answered by a MSG or, when nothing listens, a 503 status message.
 */
export class ReplyInbox {
  readonly #nc: NatsConnection;
  readonly #inbox: string;
  readonly #sweepMs: number;
  readonly #pending = new Map<string, Pending>();
  readonly #sub: Subscription;
  #timer: NodeJS.Timeout | undefined;
  #next = 0;
  #closed = false;

  /** @param sweepMs how often late replies are looked for, ms */
  constructor(nc: NatsConnection, sweepMs: number) {
    this.#nc = nc;
    this.#sweepMs = sweepMs;
    this.#inbox = createInbox();
    this.#sub = nc.subscribe(`${this.#inbox}.*`, { callback: (err, msg) => this.#onReply(err, msg) });
  }

  /** Requests still waiting for their reply. */
  get pending(): number {
    return this.#pending.size;
  }

  /**
   * Publishes `data` to `subject` and resolves with the reply.
   *
   * @throws PBX_ERR_NATS_NO_RESPONDERS when nothing is subscribed to `subject`
   * @throws PBX_ERR_NATS_TIMEOUT when no reply arrives within `timeoutMs`
   * @throws PBX_ERR_NATS_REQUEST_FAILED when the publish fails, the server answers another
   *   status, or the inbox closes first
   */
  request(subject: string, data: Uint8Array, timeoutMs: number, headers?: MsgHdrs): Promise<Msg> {
    if (this.#closed) return Promise.reject(new PBX_ERR_NATS_REQUEST_FAILED(subject, 'the connection is closed'));
    const id = (++this.#next).toString(36);
    return new Promise<Msg>((resolve, reject) => {
      this.#pending.set(id, { subject, deadline: Date.now() + timeoutMs, timeoutMs, resolve, reject });
      this.#timer ??= setInterval(() => this.#sweep(), this.#sweepMs).unref();
      try {
        this.#nc.publish(subject, data, headers ? { reply: `${this.#inbox}.${id}`, headers } : { reply: `${this.#inbox}.${id}` });
      } catch (err) {
        this.#pending.delete(id);
        reject(new PBX_ERR_NATS_REQUEST_FAILED(subject, (err as Error).message, err as Error));
      }
    });
  }

  /** Stops listening; what is still pending is rejected. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    if (!this.#nc.isClosed()) this.#sub.unsubscribe();
    for (const p of this.#pending.values()) p.reject(new PBX_ERR_NATS_REQUEST_FAILED(p.subject, 'closed before the reply'));
    this.#pending.clear();
  }

  #onReply(err: NatsError | null, msg: Msg): void {
    if (err) return; // the subscription itself failed (e.g. closed): the sweep expires what waits
    const id = msg.subject.slice(this.#inbox.length + 1);
    const p = this.#pending.get(id);
    if (p === undefined) return; // already expired
    this.#pending.delete(id);
    if (this.#pending.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
    // A status message (no payload): 503 means nothing is subscribed to the subject.
    if (msg.headers?.hasError) {
      p.reject(
        msg.headers.code === 503
          ? new PBX_ERR_NATS_NO_RESPONDERS(p.subject)
          : new PBX_ERR_NATS_REQUEST_FAILED(p.subject, `${msg.headers.code} ${msg.headers.description}`),
      );
      return;
    }
    p.resolve(msg);
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
