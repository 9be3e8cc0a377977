/**
 * INVITE and non-INVITE client transactions (RFC 3261 §17.1, RFC 6026 §7.2).
 * See {@link TransactionState} for the state diagrams. The request is sent
 * once the destination is known (`start`), so a transaction exists — and can
 * be looked up or cancelled — while DNS resolution is still running.
 */
import { EventEmitter } from 'node:events';
import { safeEmit } from '../safe-emit.js';
import { PBX_ERR_SIP_TXN_STATE } from '../sip/errors.js';
import { tagOf } from '../sip/name-addr.js';
import { SipRequest } from '../sip/sip-request.js';
import type { SipResponse } from '../sip/sip-response.js';
import type { Destination, SentInfo } from '../transport/transport-types.js';
import type { TransactionContext } from './transaction-context.js';
import type { ClientTransactionEvents } from './transaction-events.js';
import { TransactionState } from './transaction-state.js';

export class ClientTransaction extends EventEmitter<ClientTransactionEvents> {
  /** Matching key (§17.1.3): `branch|METHOD`. */
  readonly id: string;
  readonly branch: string;
  readonly request: SipRequest;
  readonly isInvite: boolean;
  #state: TransactionState;
  #destination?: Destination;
  #sent?: SentInfo;
  #bytes?: Buffer;
  #ackBytes?: Buffer;
  #interval = 0;
  #timerRetransmit?: NodeJS.Timeout;
  #timerTimeout?: NodeJS.Timeout;
  #timerEnd?: NodeJS.Timeout;
  /** To tags of 2xx already reported (RFC 6026: forks are new, repeats are retransmissions). */
  #accepted2xx = new Set<string>();
  #lastStatus = 0;
  readonly #ctx: TransactionContext;

  constructor(id: string, branch: string, request: SipRequest, ctx: TransactionContext) {
    super();
    this.id = id;
    this.branch = branch;
    this.request = request;
    this.isInvite = request.method === 'INVITE';
    this.#ctx = ctx;
    this.#state = this.isInvite ? TransactionState.Calling : TransactionState.Trying;
  }

  get state(): TransactionState {
    return this.#state;
  }

  /** Where the request went; undefined until sent. */
  get destination(): Destination | undefined {
    return this.#destination;
  }

  /** What was sent (exact bytes, local transport); undefined until sent. */
  get sent(): SentInfo | undefined {
    return this.#sent;
  }

  /** Highest status received so far (0 if none). */
  get lastStatus(): number {
    return this.#lastStatus;
  }

  get #reliable(): boolean {
    return this.#destination?.protocol !== 'udp';
  }

  /** @internal Sends the (completed) request and starts Timers A/B or E/F. */
  start(destination: Destination): void {
    if (this.#state === TransactionState.Terminated) return;
    this.#destination = destination;
    this.#bytes = this.request.toBuffer();
    const t = this.#ctx.timers;
    this.#ctx.send(this.#bytes, destination, (err, info) => {
      if (this.#state === TransactionState.Terminated) return;
      if (err) return this.fail(err);
      this.#sent = info;
      if (info?.connection) this.#destination = { ...destination, connection: info.connection };
      safeEmit(this, this.#ctx.logger, 'sent', info!);
    });
    // The send callback may run synchronously (closed connection): nothing to time then.
    if (this.state === TransactionState.Terminated) return;
    // §17.1.1.2 Timer A / §17.1.2.2 Timer E: only on unreliable transports.
    if (!this.#reliable) {
      this.#interval = t.t1;
      this.#timerRetransmit = setTimeout(this.#onRetransmit, this.#interval);
    }
    this.#timerTimeout = setTimeout(this.#onTimeout, t.timeout64);
  }

  /** @internal Sending failed before or during the transaction (§17.1.4). */
  fail(err: Error): void {
    if (this.#state === TransactionState.Terminated) return;
    safeEmit(this, this.#ctx.logger, 'transport-error', err);
    this.terminate();
  }

  /** @internal A response matched this transaction. */
  receiveResponse(res: SipResponse): void {
    const s = this.#state;
    if (s === TransactionState.Terminated) return;
    const status = res.status;
    if (status > this.#lastStatus && this.#lastStatus < 200) this.#lastStatus = status;
    if (status < 200) {
      if (s !== TransactionState.Calling && s !== TransactionState.Trying && s !== TransactionState.Proceeding) return;
      this.#state = TransactionState.Proceeding;
      if (this.isInvite) {
        // §17.1.1.2: provisional stops Timer A; Timer B is replaced by Timer C (RFC 3261 §16.6 / sofia).
        this.#clearRetransmit();
        if (this.#timerTimeout) clearTimeout(this.#timerTimeout);
        this.#timerTimeout = setTimeout(this.#onTimeout, this.#ctx.timers.c);
      } else if (this.#timerRetransmit && !this.#reliable) {
        // §17.1.2.2: in proceeding, retransmit every T2.
        this.#interval = this.#ctx.timers.t2;
      }
      // §4.1 of the protocol notes: 100 Trying is absorbed.
      if (status > 100) safeEmit(this, this.#ctx.logger, 'response', res);
      return;
    }
    if (this.isInvite) this.#inviteFinal(res);
    else this.#nonInviteFinal(res);
  }

  #inviteFinal(res: SipResponse): void {
    const s = this.#state;
    if (res.status < 300) {
      const tag = tagOf(res.get('to')) ?? '';
      if (s === TransactionState.Accepted) {
        if (this.#accepted2xx.has(tag)) safeEmit(this, this.#ctx.logger, 'retransmission', res);
        else {
          this.#accepted2xx.add(tag);
          safeEmit(this, this.#ctx.logger, 'response', res);
        }
        return;
      }
      if (s === TransactionState.Completed) return;
      this.#clearAll();
      this.#accepted2xx.add(tag);
      // RFC 6026 §7.2: accepted, Timer M = 64*T1 to catch forked/retransmitted 2xx.
      this.#state = TransactionState.Accepted;
      this.#timerEnd = setTimeout(() => this.terminate(), this.#ctx.timers.timeout64);
      safeEmit(this, this.#ctx.logger, 'response', res);
      return;
    }
    if (s === TransactionState.Completed) {
      // §17.1.1.2: retransmitted final → resend ACK.
      if (this.#ackBytes) this.#write(this.#ackBytes);
      return;
    }
    if (s === TransactionState.Accepted) return;
    this.#clearAll();
    this.#ackBytes = this.#buildAck(res).toBuffer();
    this.#write(this.#ackBytes);
    this.#state = TransactionState.Completed;
    safeEmit(this, this.#ctx.logger, 'response', res);
    // §17.1.1.2 Timer D: ≥ 32 s on unreliable transports, zero on reliable.
    this.#enterEnd(this.#reliable ? 0 : this.#ctx.timers.d);
  }

  #nonInviteFinal(res: SipResponse): void {
    if (this.#state === TransactionState.Completed) return;
    this.#clearAll();
    this.#state = TransactionState.Completed;
    safeEmit(this, this.#ctx.logger, 'response', res);
    // §17.1.2.2 Timer K: T4 on unreliable transports, zero on reliable.
    this.#enterEnd(this.#reliable ? 0 : this.#ctx.timers.i);
  }

  /**
   * §17.1.1.3: ACK for a non-2xx final — same Request-URI, Call-ID, From,
   * CSeq number and top Via as the INVITE, To from the response, and the
   * INVITE's Route headers.
   */
  #buildAck(res: SipResponse): SipRequest {
    const req = this.request;
    const ack = new SipRequest('ACK', req.uri);
    const via = req.get('via');
    if (via !== undefined) ack.append('Via', via);
    const mf = req.get('max-forwards');
    ack.append('Max-Forwards', mf ?? '70');
    for (const r of req.getAll('route')) ack.append('Route', r);
    ack.append('From', req.get('from') ?? '');
    ack.append('To', res.get('to') ?? req.get('to') ?? '');
    ack.append('Call-ID', req.callId ?? '');
    ack.append('CSeq', `${seqOf(req)} ACK`);
    return ack;
  }

  /**
   * Builds the CANCEL for this (INVITE) transaction per §9.1: same
   * Request-URI, Call-ID, To, From, CSeq number and top Via (same branch),
   * and the INVITE's Route headers. Send it with `stack.sendRequest(cancel,
   * { destination: txn.destination })` — §9.1 requires the same destination.
   * `extraHeaders` (e.g. Reason) are appended.
   */
  createCancel(extraHeaders: ReadonlyArray<{ name: string; value: string }> = []): SipRequest {
    if (!this.isInvite) throw new PBX_ERR_SIP_TXN_STATE('only INVITE transactions can be cancelled');
    const req = this.request;
    const cancel = new SipRequest('CANCEL', req.uri);
    const via = req.get('via');
    if (via !== undefined) cancel.append('Via', via);
    cancel.append('Max-Forwards', '70');
    for (const r of req.getAll('route')) cancel.append('Route', r);
    cancel.append('From', req.get('from') ?? '');
    cancel.append('To', req.get('to') ?? '');
    cancel.append('Call-ID', req.callId ?? '');
    cancel.append('CSeq', `${seqOf(req)} CANCEL`);
    for (const h of extraHeaders) cancel.append(h.name, h.value);
    return cancel;
  }

  /** Terminates immediately, clearing every timer. Idempotent. */
  terminate(): void {
    if (this.#state === TransactionState.Terminated) return;
    this.#clearAll();
    this.#state = TransactionState.Terminated;
    this.#ctx.removeTransaction(this.id, 'client');
    safeEmit(this, this.#ctx.logger, 'terminated');
    this.removeAllListeners();
  }

  #write(bytes: Buffer): void {
    if (!this.#destination) return;
    this.#ctx.send(bytes, this.#destination, (err) => {
      if (err) this.fail(err);
    });
  }

  #enterEnd(delay: number): void {
    if (delay <= 0) this.terminate();
    else this.#timerEnd = setTimeout(() => this.terminate(), delay);
  }

  #onRetransmit = (): void => {
    this.#timerRetransmit = undefined;
    const s = this.#state;
    if (s !== TransactionState.Calling && s !== TransactionState.Trying && s !== TransactionState.Proceeding) return;
    if (this.#bytes) this.#write(this.#bytes);
    // Timer A doubles without cap (§17.1.1.2); Timer E doubles up to T2 (§17.1.2.2).
    this.#interval = this.isInvite ? this.#interval * 2 : Math.min(this.#interval * 2, this.#ctx.timers.t2);
    if (s === TransactionState.Proceeding && !this.isInvite) this.#interval = this.#ctx.timers.t2;
    this.#timerRetransmit = setTimeout(this.#onRetransmit, this.#interval);
  };

  #onTimeout = (): void => {
    this.#timerTimeout = undefined;
    const s = this.#state;
    if (s !== TransactionState.Calling && s !== TransactionState.Trying && s !== TransactionState.Proceeding) return;
    safeEmit(this, this.#ctx.logger, 'timeout');
    this.terminate();
  };

  #clearRetransmit(): void {
    if (this.#timerRetransmit) clearTimeout(this.#timerRetransmit);
    this.#timerRetransmit = undefined;
  }

  #clearAll(): void {
    this.#clearRetransmit();
    if (this.#timerTimeout) clearTimeout(this.#timerTimeout);
    if (this.#timerEnd) clearTimeout(this.#timerEnd);
    this.#timerTimeout = this.#timerEnd = undefined;
  }
}

function seqOf(req: SipRequest): string {
  const cseq = req.get('cseq') ?? '';
  return cseq.trim().split(/\s+/)[0] ?? '';
}
