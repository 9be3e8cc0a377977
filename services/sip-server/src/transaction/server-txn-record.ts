/**
 * What the stack keeps of a UDP server transaction once its final response
 * is sent and it only absorbs request retransmissions until Timer J
 * (non-INVITE `completed`, §17.2.2) or Timer L (INVITE `accepted`, RFC 6026
 * §7.1): a few fields instead of the {@link ServerTransaction} with its
 * parsed request and raw text, emitter and Timeout. Held 64×T1 = 32 s, at
 * 1 000 calls/s some 64 000 of them: about 3.3 KB of heap + 0.7 KB of buffers
 * each as objects, about 0.4 KB + 0.14 KB as records (the key is a flat copy
 * so it does not pin the request text; bench/sip-server/txn-bytes.ts).
 *
 * Both timers are 64×T1, so the records expire in the order they were made:
 * {@link RecordQueue} keeps them in a FIFO with one timer for all.
 */
import type { BoundContact } from '../transport/transport-types.js';
import type { ServerTransaction } from './server-transaction.js';

export class ServerTxnRecord {
  /** Matching key, as in the stack's map. */
  readonly key: string;
  /**
   * Non-INVITE: the final response, re-sent on each request retransmission
   * (§17.2.2). INVITE accepted: undefined — retransmissions are absorbed
   * (the dialog layer retransmits the 2xx) and ACKs go to the TU.
   */
  readonly bytes: Buffer | undefined;
  /** Where the response goes (the request's source, UDP). */
  readonly address: string;
  readonly port: number;
  readonly local: BoundContact;
  /** `performance.now()` time of Timer J / L. */
  readonly expiresAt: number;
  /**
   * The transaction itself, kept only while it has `terminated` listeners
   * (they are told at expiry); otherwise nothing here refers to it.
   */
  txn: ServerTransaction | undefined;
  /** False once expired or removed (the queue skips it). */
  live = true;
  /** @internal FIFO link. */
  next: ServerTxnRecord | undefined;

  constructor(key: string, bytes: Buffer | undefined, address: string, port: number, local: BoundContact, expiresAt: number) {
    this.key = key;
    this.bytes = bytes;
    this.address = address;
    this.port = port;
    this.local = local;
    this.expiresAt = expiresAt;
  }
}

/**
 * Records expiring after the same delay, in insertion order: one Timeout
 * for the whole queue, re-armed for the head after each sweep.
 */
export class RecordQueue<R extends { readonly expiresAt: number; next: R | undefined }> {
  #head: R | undefined;
  #tail: R | undefined;
  #length = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #onExpire: (r: R) => void;

  constructor(onExpire: (r: R) => void) {
    this.#onExpire = onExpire;
  }

  /** Records queued (expired ones leave at the next sweep). */
  get length(): number {
    return this.#length;
  }

  /** Appends; `r.expiresAt` must not be earlier than the tail's. */
  push(r: R): void {
    r.next = undefined;
    if (this.#tail) this.#tail.next = r;
    else this.#head = r;
    this.#tail = r;
    this.#length++;
    if (!this.#timer) this.#arm(performance.now());
  }

  /** Drops every record without expiring it and stops the timer (stack shutdown). */
  clear(): R[] {
    const all: R[] = [];
    for (let r = this.#head; r; r = r.next) all.push(r);
    this.#head = this.#tail = undefined;
    this.#length = 0;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    return all;
  }

  #arm(now: number): void {
    const head = this.#head;
    if (!head) return;
    // Timeouts have millisecond resolution; never fire before the head is due.
    this.#timer = setTimeout(RecordQueue.#sweep, Math.max(1, Math.ceil(head.expiresAt - now)), this);
  }

  static #sweep<R extends { readonly expiresAt: number; next: R | undefined }>(q: RecordQueue<R>): void {
    q.#timer = undefined;
    const now = performance.now();
    let r = q.#head;
    while (r && r.expiresAt <= now) {
      const next = r.next;
      r.next = undefined;
      q.#head = next;
      if (!next) q.#tail = undefined;
      q.#length--;
      q.#onExpire(r);
      r = next;
    }
    if (!q.#timer) q.#arm(now);
  }
}
