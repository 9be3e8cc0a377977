/**
 * The stack's server transactions by key (§17.2.3), live ones and the compact
 * {@link ServerTxnRecord}s of finished UDP ones that only absorb
 * retransmissions until Timer J/L. Owns the records' lifecycle: retiring a
 * transaction into a record, re-sending its final response, expiring it over
 * one {@link RecordQueue}, and dropping it when its transaction ends early.
 */
import type { StackLogger } from '../stack-logger.js';
import type { Destination, SentInfo } from '../transport/transport-types.js';
import { ServerTransaction } from './server-transaction.js';
import { RecordQueue, ServerTxnRecord } from './server-txn-record.js';

type Send = (data: Buffer, dest: Destination, cb: (err: Error | undefined, info?: SentInfo) => void) => void;

export class ServerTxnTable {
  readonly #entries = new Map<string, ServerTransaction | ServerTxnRecord>();
  /** Records by expiry (all `recordDelay` after their final response). */
  readonly #records = new RecordQueue<ServerTxnRecord>((r) => this.#expire(r));
  /** Records currently in `#entries`. */
  #recordCount = 0;
  #closed = false;
  retired = 0;
  expired = 0;

  /**
   * @param recordDelay the one delay a record may have (64×T1: Timer J and Timer L); a
   *   transaction asking for another keeps its object.
   */
  constructor(
    private readonly recordDelay: number,
    private readonly send: Send,
    private readonly logger: StackLogger,
  ) {}

  /** Entries in the table (transactions and records). */
  get size(): number {
    return this.#entries.size;
  }

  get recordCount(): number {
    return this.#recordCount;
  }

  get(key: string): ServerTransaction | ServerTxnRecord | undefined {
    return this.#entries.get(key);
  }

  add(txn: ServerTransaction): void {
    this.#entries.set(txn.id, txn);
  }

  /**
   * A transaction terminated: its entry goes, or its record if it was retired (TU abandon,
   * send failure). `txn` undefined removes whatever holds `key`.
   */
  remove(key: string, txn: ServerTransaction | undefined): void {
    const cur = this.#entries.get(key);
    if (cur === undefined) return;
    if (cur instanceof ServerTxnRecord) {
      if (txn === undefined || cur.txn === txn || cur.expiresAt === txn.retiredUntil) this.#drop(cur);
      return;
    }
    if (txn === undefined || cur === txn) this.#entries.delete(key);
  }

  /**
   * Replaces a UDP server transaction that only absorbs retransmissions now by a compact
   * record. Returns the record's expiry (`performance.now()` time), or 0 when the
   * transaction keeps its object.
   */
  retire(txn: ServerTransaction, resendBytes: Buffer | undefined, delay: number): number {
    if (this.#closed || this.#entries.get(txn.id) !== txn || delay !== this.recordDelay) return 0;
    const src = txn.source;
    // The key is a rope over slices of the request text (Via branch, sent-by): a flat copy, put
    // in the map in place of the original key, lets the request text go with the transaction.
    const key = flatCopy(txn.id);
    const r = new ServerTxnRecord(key, resendBytes, src.address, src.port, src.local, performance.now() + delay);
    this.#entries.delete(txn.id);
    this.#entries.set(key, r);
    this.#recordCount++;
    this.retired++;
    this.#records.push(r);
    return r.expiresAt;
  }

  /** Keeps (or lets go of) the object of a retired transaction while it has listeners to tell. */
  pin(txn: ServerTransaction, pinned: boolean): void {
    const r = this.#entries.get(txn.id);
    if (r instanceof ServerTxnRecord && r.live && r.expiresAt === txn.retiredUntil) r.txn = pinned ? txn : undefined;
  }

  /** §17.2.2: a retransmitted non-INVITE request gets the final response again. */
  resend(r: ServerTxnRecord): void {
    if (!r.bytes) return;
    this.send(r.bytes, { protocol: 'udp', address: r.address, port: r.port, local: r.local }, (err) => {
      if (!err || !r.live) return;
      // §17.2.4: a transport failure ends the transaction.
      this.logger.debug({ err }, 'retransmitted final response not sent');
      const t = r.txn;
      this.#drop(r);
      t?.retiredSendFailed(err);
    });
  }

  /** Terminates every transaction and drops every record (stack shutdown); no record is made after. */
  close(): void {
    this.#closed = true;
    for (const r of this.#records.clear()) {
      if (!r.live) continue;
      this.#drop(r);
      r.txn?.terminate();
    }
    for (const t of [...this.#entries.values()]) if (t instanceof ServerTransaction) t.terminate();
  }

  #drop(r: ServerTxnRecord): void {
    if (!r.live) return;
    r.live = false;
    if (this.#entries.get(r.key) === r) this.#entries.delete(r.key);
    this.#recordCount--;
  }

  /** Timer J / L of a record. */
  #expire(r: ServerTxnRecord): void {
    if (!r.live) return;
    this.#drop(r);
    this.expired++;
    const t = r.txn;
    r.txn = undefined;
    t?.expireRetired();
  }
}

/** A string with the same text that shares no storage with `s` (V8 keeps concatenations and slices pointing at their sources). */
function flatCopy(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}
