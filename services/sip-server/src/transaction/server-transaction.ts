/**
 * INVITE and non-INVITE server transactions (RFC 3261 §17.2, RFC 6026 §7.1).
 * See {@link TransactionState} for the state diagrams.
 */
import { EventEmitter } from 'node:events';
import { safeEmit } from '../safe-emit.js';
import { PBX_ERR_SIP_TXN_STATE } from '../sip/errors.js';
import type { SipRequest } from '../sip/sip-request.js';
import type { SipResponse } from '../sip/sip-response.js';
import { parseVia } from '../sip/via.js';
import type { Destination, MessageSource } from '../transport/transport-types.js';
import type { TransactionContext } from './transaction-context.js';
import type { ServerTransactionEvents } from './transaction-events.js';
import { TransactionState } from './transaction-state.js';

export class ServerTransaction extends EventEmitter<ServerTransactionEvents> {
  /** Matching key (§17.2.3), unique within the stack. */
  readonly id: string;
  readonly request: SipRequest;
  readonly source: MessageSource;
  readonly isInvite: boolean;
  #state: TransactionState;
  /**
   * The last response object; released once a final response was sent (the
   * transaction may linger 64×T1 in an end state, and at high call rates the
   * parsed responses would dominate the heap — only the bytes are needed).
   */
  #last?: SipResponse;
  #lastStatus = 0;
  #lastBytes?: Buffer;
  #timerG?: NodeJS.Timeout;
  #timerH?: NodeJS.Timeout;
  /** Timer J/L/I (end state) or, before any final response, the reap timer: never both at once. */
  #timerEnd?: NodeJS.Timeout;
  #gInterval = 0;
  /**
   * Set once the stack took over the end state (UDP `completed` non-INVITE /
   * `accepted` INVITE, see {@link ServerTxnRecord}): the time Timer J/L fires
   * (`performance.now()` clock). The transaction is no longer in the stack's
   * map; `state` turns terminated by itself at that time, and `terminated`
   * listeners — which make the stack keep it — are told then.
   */
  #retiredUntil = 0;
  #sentCb?: (err: Error | undefined) => void;
  readonly #ctx: TransactionContext;

  constructor(id: string, request: SipRequest, source: MessageSource, ctx: TransactionContext) {
    super();
    this.id = id;
    this.request = request;
    this.source = source;
    this.isInvite = request.method === 'INVITE';
    this.#ctx = ctx;
    this.#state = this.isInvite ? TransactionState.Proceeding : TransactionState.Trying;
    // Hygiene: a request the TU never answers is released silently (the
    // reference forgets unanswered requests after 64 s); INVITEs may ring
    // longer, so they get Timer C.
    this.#timerEnd = setTimeout(ServerTransaction.#onEnd, this.isInvite ? ctx.timers.c : 2 * ctx.timers.timeout64, this);
  }

  get state(): TransactionState {
    return this.#current();
  }

  /** The state, after letting a retired transaction reach Timer J/L on its own. */
  #current(): TransactionState {
    if (this.#retiredUntil !== 0 && performance.now() >= this.#retiredUntil) this.#expireRetired();
    return this.#state;
  }

  /** The last provisional response sent, if any; undefined once a final response was sent (see `lastStatus`). */
  get lastResponse(): SipResponse | undefined {
    return this.#last;
  }

  /** The exact bytes of the last response sent (serialised once by `respond`). */
  get lastBytes(): Buffer | undefined {
    return this.#lastBytes;
  }

  /** Status of the last response sent; 0 before any. */
  get lastStatus(): number {
    return this.#lastStatus;
  }

  /** Whether a final response has been sent. */
  get finalSent(): boolean {
    return this.#lastStatus >= 200;
  }

  get #reliable(): boolean {
    return this.source.protocol !== 'udp';
  }

  /**
   * Sends a response. Provisionals keep the transaction open; a final moves it
   * to completed (non-2xx INVITE: retransmitted with Timer G until ACK, Timer H),
   * accepted (INVITE 2xx, RFC 6026: further 2xx — retransmissions by the TU —
   * may still be sent until Timer L) or completed (non-INVITE, Timer J).
   * Throws PBX_ERR_SIP_TXN_STATE when a final was already sent (except 2xx in accepted).
   */
  respond(res: SipResponse): void {
    const s = this.#current();
    if (s === TransactionState.Terminated) throw new PBX_ERR_SIP_TXN_STATE('transaction terminated');
    if (s === TransactionState.Accepted) {
      if (res.status < 200 || res.status >= 300) throw new PBX_ERR_SIP_TXN_STATE('only 2xx may follow a 2xx');
      this.#transmit(res);
      this.#last = undefined;
      return;
    }
    if (s === TransactionState.Completed || s === TransactionState.Confirmed) {
      throw new PBX_ERR_SIP_TXN_STATE('final response already sent');
    }
    this.#transmit(res);
    if (this.#state === TransactionState.Terminated) return;
    if (res.status < 200) {
      if (!this.isInvite) this.#state = TransactionState.Proceeding;
      return;
    }
    if (this.#timerEnd) clearTimeout(this.#timerEnd);
    this.#timerEnd = undefined;
    this.#last = undefined;
    if (!this.isInvite) {
      // §17.2.2: Timer J = 64*T1 on unreliable transports, zero on reliable.
      if (this.#reliable) this.#enterEnd(TransactionState.Completed, 0);
      else this.#retire(TransactionState.Completed, this.#ctx.timers.j, this.#lastBytes);
    } else if (res.status < 300) {
      // RFC 6026 §7.1: accepted, absorb INVITE retransmissions until Timer L.
      if (this.#reliable) this.#enterEnd(TransactionState.Accepted, this.#ctx.timers.timeout64);
      else this.#retire(TransactionState.Accepted, this.#ctx.timers.timeout64, undefined);
    } else {
      this.#state = TransactionState.Completed;
      if (!this.#reliable) {
        this.#gInterval = this.#ctx.timers.t1;
        this.#timerG = setTimeout(ServerTransaction.#onTimerG, this.#gInterval, this);
      }
      this.#timerH = setTimeout(ServerTransaction.#onTimerH, this.#ctx.timers.timeout64, this);
    }
  }

  /** Re-sends the last response (e.g. a 2xx retransmitted by the dialog layer). */
  resend(): void {
    if (this.#lastBytes && this.#current() !== TransactionState.Terminated) this.#write(this.#lastBytes);
  }

  /** @internal A retransmission of the request arrived (§17.2.1, §17.2.2). */
  receiveRetransmission(): void {
    if (this.#retiredUntil !== 0) return; // the stack's record answers for it
    if (this.#state === TransactionState.Trying || this.#state === TransactionState.Accepted) return;
    if (this.#state === TransactionState.Confirmed) return;
    // While only the automatic 100 went out (the TU has not answered yet) the
    // retransmission is dropped silently, as drachtio-server does for requests
    // still waiting for the app; a later provisional is resent (§17.2.1).
    if (this.#state === TransactionState.Proceeding && this.#lastStatus === 100) return;
    if (this.#lastBytes) this.#write(this.#lastBytes);
  }

  /**
   * @internal An ACK matched this INVITE transaction. Returns true when the
   * ACK was absorbed (non-2xx), false when it belongs to the TU (accepted).
   */
  receiveAck(): boolean {
    if (this.#state === TransactionState.Completed) {
      this.#clear();
      // §17.2.1: Timer I = T4 on unreliable transports, zero on reliable.
      this.#enterEnd(TransactionState.Confirmed, this.#reliable ? 0 : this.#ctx.timers.i);
      return true;
    }
    return this.#state !== TransactionState.Accepted;
  }

  /** Terminates immediately (stack shutdown, TU abandon). Idempotent. */
  terminate(): void {
    if (this.#current() === TransactionState.Terminated) return;
    this.#clear();
    this.#state = TransactionState.Terminated;
    this.#ctx.removeTransaction(this.id, 'server', this);
    this.#retiredUntil = 0;
    safeEmit(this, this.#ctx.logger, 'terminated');
    this.removeAllListeners();
  }

  /** @internal Timer J/L of a retired transaction (the stack's record expired). */
  expireRetired(): void {
    if (this.#retiredUntil !== 0) this.#expireRetired();
  }

  /** @internal When Timer J/L of a retired transaction fires (`performance.now()` clock); 0 when not retired. */
  get retiredUntil(): number {
    return this.#retiredUntil;
  }

  /** @internal A re-send of the retired final failed (§17.2.4): report it and end. */
  retiredSendFailed(err: Error): void {
    if (this.#retiredUntil !== 0) this.#afterSend(err);
  }

  /** Timer J/L of a retired transaction: terminated, listeners told (whichever comes first: the stack's sweep or a state read). */
  #expireRetired(): void {
    this.#retiredUntil = 0;
    this.#state = TransactionState.Terminated;
    safeEmit(this, this.#ctx.logger, 'terminated');
    this.removeAllListeners();
  }

  /**
   * UDP end state (non-INVITE completed, INVITE accepted): the stack replaces
   * the transaction in its map with a compact record (`resendBytes` answer
   * request retransmissions) expiring after `delay`; without such support
   * the transaction keeps its own timer.
   */
  #retire(state: TransactionState, delay: number, resendBytes: Buffer | undefined): void {
    this.#state = state;
    const until = this.#ctx.retireServer?.(this, resendBytes, delay) ?? 0;
    if (until === 0) {
      this.#enterEnd(state, delay);
      return;
    }
    this.#retiredUntil = until;
    // The stack keeps the transaction only while `terminated` listeners wait for Timer J/L.
    const ee = this as EventEmitter;
    ee.on('newListener', ServerTransaction.#onListenerAdded);
    ee.on('removeListener', ServerTransaction.#onListenerRemoved);
    if (this.listenerCount('terminated') > 0) this.#ctx.pinServer?.(this, true);
  }

  static #onListenerAdded(this: ServerTransaction, event: string | symbol): void {
    if (event === 'terminated' && this.#retiredUntil !== 0) this.#ctx.pinServer?.(this, true);
  }

  static #onListenerRemoved(this: ServerTransaction, event: string | symbol): void {
    if (event === 'terminated' && this.#retiredUntil !== 0 && this.listenerCount('terminated') === 0) {
      this.#ctx.pinServer?.(this, false);
    }
  }

  #transmit(res: SipResponse): void {
    this.#last = res;
    this.#lastStatus = res.status;
    this.#lastBytes = res.toBuffer();
    this.#write(this.#lastBytes);
  }

  #destination(): Destination {
    const src = this.source;
    const dest: Destination = { protocol: src.protocol, address: src.address, port: src.port, local: src.local };
    if (!src.connection) return dest;
    if (!src.connection.closed) {
      dest.connection = src.connection;
      return dest;
    }
    // §18.2.2: the connection is gone — open a new one to the received address
    // and the sent-by port.
    try {
      dest.port = parseVia(this.request.get('via') ?? '').port ?? 5060;
    } catch {
      // keep the source port
    }
    return dest;
  }

  #write(bytes: Buffer): void {
    // One callback per transaction, created on first use (not a closure per send).
    this.#sentCb ??= (err) => this.#afterSend(err);
    this.#ctx.send(bytes, this.#destination(), this.#sentCb);
  }

  #afterSend(err: Error | undefined): void {
    if (!err || this.#current() === TransactionState.Terminated) return;
    // §17.2.4: a transport failure is reported to the TU and ends the transaction.
    safeEmit(this, this.#ctx.logger, 'transport-error', err);
    this.terminate();
  }

  // Timer callbacks are static and take the transaction as argument: no closure per timer.
  static #onEnd(t: ServerTransaction): void {
    t.#timerEnd = undefined;
    t.terminate();
  }

  #enterEnd(state: TransactionState, delay: number): void {
    this.#state = state;
    if (delay <= 0) this.terminate();
    else this.#timerEnd = setTimeout(ServerTransaction.#onEnd, delay, this);
  }

  static #onTimerG(t: ServerTransaction): void {
    t.#timerG = undefined;
    if (t.#state !== TransactionState.Completed || !t.#lastBytes) return;
    t.#write(t.#lastBytes);
    // §17.2.1: Timer G doubles up to T2.
    t.#gInterval = Math.min(t.#gInterval * 2, t.#ctx.timers.t2);
    t.#timerG = setTimeout(ServerTransaction.#onTimerG, t.#gInterval, t);
  }

  static #onTimerH(t: ServerTransaction): void {
    t.#timerH = undefined;
    if (t.#state !== TransactionState.Completed) return;
    safeEmit(t, t.#ctx.logger, 'timeout');
    t.terminate();
  }

  #clear(): void {
    if (this.#timerG) clearTimeout(this.#timerG);
    if (this.#timerH) clearTimeout(this.#timerH);
    if (this.#timerEnd) clearTimeout(this.#timerEnd);
    this.#timerG = this.#timerH = this.#timerEnd = undefined;
  }
}
