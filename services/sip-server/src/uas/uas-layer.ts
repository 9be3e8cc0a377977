import { localKey } from '../dialog/dialog-id.js';
import { parseSessionExpires } from '../dialog/session-expires.js';
import type { AdminConnection } from '../drachtio/admin-connection.js';
import { type BridgeContext, aliasKey } from '../drachtio/bridge-context.js';
import { newRequestLeader, nokAnswer, responseSentAnswer, sipLeader } from '../drachtio/server-frames.js';
import { makeResponse } from '../sip/make-response.js';
import { tagOf } from '../sip/name-addr.js';
import { randomToken } from '../sip/random-token.js';
import type { SipRequest } from '../sip/sip-request.js';
import type { SipResponse } from '../sip/sip-response.js';
import type { ServerTransaction } from '../transaction/server-transaction.js';
import { contactUri } from '../uac/local-contact.js';
import { appForcedToTag, buildResponse } from './build-response.js';
import type { IncomingTxn } from './incoming-txn.js';
import type { UasLayerDelegate } from './uas-layer-delegate.js';
import { localHostport } from '../uac/local-contact.js';

/** Out-of-dialog methods that need a dialog to make sense (docs/drachtio-protocol.md §2.3, §4.2). */
const DIALOG_ONLY = new Set(['BYE', 'UPDATE', 'PRACK', 'INFO', 'REFER']);

/**
 * Server side of the drachtio layer (docs/drachtio-protocol.md §4.2, §4.4, §4.5): offers new
 * requests to applications, sends their responses, handles CANCEL.
 */
export class UasLayer {
  /** Stack server-transaction id → pending record (CANCEL matching, RFC 3261 §9.2). */
  readonly #byStackTxn = new Map<string, IncomingTxn>();
  /** Call-ID + our To-tag → INVITE still in progress after a provisional (UPDATE/PRACK/INFO in the early dialog). */
  readonly #early = new Map<string, IncomingTxn>();
  /** RFC 3262 §7.1: RSeq values only need to increase within a transaction; one counter serves all. */
  #rseq = Math.floor(Math.random() * 0x3fffffff);

  constructor(
    private readonly ctx: BridgeContext,
    private readonly delegate: UasLayerDelegate,
  ) {}

  /** Stack `request` event: a new request (not ACK/CANCEL). */
  onRequest(req: SipRequest, txn: ServerTransaction): void {
    const ctx = this.ctx;
    const method = req.method;
    const callId = req.callId ?? '';
    const toTag = tagOf(req.get('to'));
    if (toTag !== undefined) {
      const d = ctx.dialogs.find(callId, toTag);
      if (d) {
        this.delegate.inDialogRequest(req, txn, d);
        return;
      }
      const early = this.#early.get(localKey(callId, toTag));
      if (early && (method === 'UPDATE' || method === 'PRACK' || method === 'INFO')) {
        this.#deliverEarly(req, txn, early);
        return;
      }
      const calling = ctx.outgoingInvites.get(localKey(callId, toTag));
      if (calling && (method === 'UPDATE' || method === 'INFO')) {
        this.#deliverEarly(req, txn, { conn: calling.conn, dialogId: calling.dialogId });
        return;
      }
      if (DIALOG_ONLY.has(method) || method === 'INVITE') {
        this.#reply(txn, 481);
        return;
      }
    } else if (method === 'BYE' || method === 'UPDATE' || method === 'PRACK') {
      this.#reply(txn, 481);
      return;
    }
    if (method === 'REGISTER') {
      const bad = badRegister(req);
      if (bad) {
        this.#reply(txn, 400, bad);
        return;
      }
    }
    const verdict = ctx.settings.policy?.(req);
    if (method === 'INVITE') ctx.cdr.attempt('network', ctx.rawOf(req));
    if (verdict) {
      this.#reply(txn, verdict.status, verdict.reason, verdict.headers);
      return;
    }
    const conn = ctx.routes.select(method);
    if (!conn) {
      this.#reply(txn, 503);
      return;
    }
    const isDialogForming = method === 'INVITE' || method === 'SUBSCRIBE';
    const fromTag = tagOf(req.get('from')) ?? '';
    const rec: IncomingTxn = {
      txnId: ctx.newTxnId(),
      conn,
      txn,
      req,
      dialog: undefined,
      dialogId: isDialogForming ? `${callId};from-tag=${fromTag}` : '',
      localTag: undefined,
      provisionalSent: false,
      timer: undefined,
    };
    this.track(rec);
    const raw = ctx.rawOf(req);
    const src = txn.source;
    conn.send(
      newRequestLeader(ctx.networkMeta(raw.length, src), rec.txnId, src.local.advertisedHost, src.local.port),
      raw,
    );
  }

  /** Forgets every pending record (server stop). */
  clear(): void {
    for (const rec of [...this.ctx.incoming.values()]) this.forget(rec);
    this.#early.clear();
  }

  /** Registers a pending record and its forget timer. */
  track(rec: IncomingTxn): void {
    const ctx = this.ctx;
    ctx.incoming.set(rec.txnId, rec);
    this.#byStackTxn.set(rec.txn.id, rec);
    rec.timer = setTimeout(() => {
      // docs/drachtio-protocol.md §4.2: an unanswered request is forgotten silently; release the stack transaction too.
      this.forget(rec);
      rec.txn.terminate();
    }, ctx.settings.pendingTimeoutMs);
    rec.onTerminated = () => this.forget(rec);
    rec.txn.once('terminated', rec.onTerminated);
  }

  /** Drops a record (final response sent, CANCEL, timeout, txn gone). */
  forget(rec: IncomingTxn): void {
    const ctx = this.ctx;
    if (rec.timer) clearTimeout(rec.timer);
    rec.timer = undefined;
    if (rec.onTerminated) {
      rec.txn.off('terminated', rec.onTerminated);
      rec.onTerminated = undefined;
    }
    if (ctx.incoming.get(rec.txnId) === rec) ctx.incoming.delete(rec.txnId);
    if (this.#byStackTxn.get(rec.txn.id) === rec) this.#byStackTxn.delete(rec.txn.id);
    if (rec.localTag !== undefined) {
      const k = localKey(rec.req.callId ?? '', rec.localTag);
      if (this.#early.get(k) === rec) this.#early.delete(k);
    }
  }

  /** A request inside the early dialog of an INVITE in progress, delivered with that INVITE's dialogId. */
  #deliverEarly(req: SipRequest, txn: ServerTransaction, invite: { conn: AdminConnection; dialogId: string }): void {
    if (!invite.conn.isOpen) {
      this.#reply(txn, 481);
      return;
    }
    const rec: IncomingTxn = {
      txnId: this.ctx.newTxnId(),
      conn: invite.conn,
      txn,
      req,
      dialog: undefined,
      dialogId: invite.dialogId,
      localTag: undefined,
      provisionalSent: false,
      timer: undefined,
    };
    this.track(rec);
    const raw = this.ctx.rawOf(req);
    invite.conn.send(sipLeader(this.ctx.networkMeta(raw.length, txn.source), rec.txnId, rec.dialogId), raw);
  }

  #reply(txn: ServerTransaction, status: number, reason?: string, headers?: Readonly<Record<string, string>>): void {
    try {
      const res = makeResponse(txn.request, status, reason, { toTag: true });
      if (headers) for (const [name, value] of Object.entries(headers)) res.append(name, value);
      txn.respond(res);
    } catch {
      /* transaction already answered or gone */
    }
  }

  /**
   * Stack `cancel` event (docs/drachtio-protocol.md §4.5, conformance 22–24). `inviteKey` is set
   * when an INVITE transaction matched, `inviteTxn` unless that INVITE already
   * sent its 2xx over UDP (the stack then keeps only a record of it).
   */
  onCancel(
    cancel: SipRequest,
    cancelTxn: ServerTransaction,
    inviteTxn: ServerTransaction | undefined,
    inviteKey: string | undefined = inviteTxn?.id,
  ): void {
    if (inviteKey === undefined) {
      this.#reply(cancelTxn, 481);
      return;
    }
    if (this.delegate.interceptCancel(cancel, cancelTxn, inviteKey)) return;
    const rec = this.#byStackTxn.get(inviteKey);
    if (!rec || !inviteTxn || inviteTxn.finalSent) {
      this.#reply(cancelTxn, 481);
      return;
    }
    this.#reply(cancelTxn, 200);
    const tag = rec.localTag ?? randomToken(10);
    try {
      inviteTxn.respond(makeResponse(rec.req, 487, undefined, { toTag: tag }));
    } catch {
      /* already final */
    }
    this.forget(rec);
    this.delegate.inviteFailed(rec, rec.localTag);
    const raw = this.ctx.rawOf(cancel);
    this.ctx.cdr.stop('network', 'call-canceled', raw);
    rec.conn.send(
      sipLeader(this.ctx.networkMeta(raw.length, cancelTxn.source), rec.txnId, rec.provisionalSent ? rec.dialogId : ''),
      raw,
    );
  }

  /** App frame `sip|<txnId>|` + response (docs/drachtio-protocol.md §3.4, §4.4). */
  onAppResponse(conn: AdminConnection, msgId: string, txnId: string, app: SipResponse): void {
    const ctx = this.ctx;
    const cseqMethod = (app.get('cseq') ?? '').trim().split(/\s+/)[1]?.toUpperCase();
    const rec = ctx.incoming.get(txnId);
    if (!rec || rec.conn !== conn) {
      const reason =
        cseqMethod === 'CANCEL'
          ? '200 OK to incoming CANCEL is automatically generated by the stack'
          : 'Response not sent due to unknown transaction';
      conn.respond(msgId, nokAnswer(reason));
      return;
    }
    if (cseqMethod === 'CANCEL') {
      conn.respond(msgId, nokAnswer('200 OK to incoming CANCEL is automatically generated by the stack'));
      return;
    }
    const req = rec.req;
    const method = req.method;
    const status = app.status;
    const local = rec.txn.source.local;
    const d = rec.dialog;
    if (rec.localTag === undefined && tagOf(req.get('to')) === undefined && status > 100) {
      rec.localTag = appForcedToTag(app) ?? randomToken(10);
    }
    const dialogForming = method === 'INVITE' || method === 'SUBSCRIBE';
    const reliable1xx = status > 100 && status < 200 && /\b100rel\b/i.test(app.getAll('require').join(','));
    let contact: string | undefined;
    if (dialogForming && ((status >= 200 && status < 300) || reliable1xx)) {
      contact = d ? d.localContact : `<${contactUri(local)}>`;
    }
    const out = buildResponse(req, app, { toTag: rec.localTag, contact, localHostport: localHostport(local) });
    if (reliable1xx) out.append('RSeq', String(++this.#rseq));
    if (method === 'INVITE' && status >= 200 && status < 300) this.#negotiateSessionTimer(req, out);
    if (reliable1xx && !/\b100rel\b/i.test([...req.getAll('supported'), ...req.getAll('require')].join(','))) {
      conn.respond(msgId, nokAnswer('Remote endpoint does not support 100rel'));
      return;
    }
    try {
      rec.txn.respond(out);
    } catch {
      conn.respond(msgId, nokAnswer('Response not sent due to unknown transaction'));
      return;
    }
    const bytes = rec.txn.lastBytes ?? out.toBuffer();
    const dialogId = d ? d.id : rec.dialogId;
    conn.respond(msgId, responseSentAnswer(ctx.appMeta(bytes.length, local), txnId, dialogId), bytes);
    if (status < 200) {
      if (status > 100 && method === 'INVITE' && !d && rec.localTag !== undefined) {
        rec.provisionalSent = true;
        this.#early.set(localKey(req.callId ?? '', rec.localTag), rec);
      }
      if (reliable1xx) this.delegate.reliableProvisionalSent(rec, out);
      return;
    }
    this.forget(rec);
    const initialInvite = method === 'INVITE' && !d;
    if (status >= 300) {
      if (method === 'INVITE') this.delegate.inviteFailed(rec, rec.localTag);
      if (initialInvite) ctx.cdr.stop('application', 'call-rejected', bytes);
      return;
    }
    if (initialInvite) ctx.cdr.start('application', 'uas', bytes);
    if (dialogForming) this.delegate.dialogFormingSuccessSent(rec, out);
    if (method === 'REGISTER' || method === 'SUBSCRIBE') this.#aliasRegistration(rec, out);
  }

  /**
   * RFC 4028 §9: the caller offered Session-Expires and the app did not set
   * one: echo it with the caller's refresher (docs/drachtio-protocol.md §4.4). Without a
   * refresher the server runs no timer (default-refresher `none`).
   */
  #negotiateSessionTimer(req: SipRequest, out: SipResponse): void {
    if (out.has('session-expires')) return;
    const se = parseSessionExpires(req.get('session-expires'));
    if (!se?.refresher) return;
    out.append('Session-Expires', `${se.seconds};refresher=${se.refresher}`);
    if (!/\btimer\b/i.test(out.getAll('require').join(','))) out.append('Require', 'timer');
  }

  /** docs/drachtio-protocol.md §4.4: a 200 to REGISTER over TCP makes the Contact reachable on that connection. */
  #aliasRegistration(rec: IncomingTxn, res: SipResponse): void {
    const conn = rec.txn.source.connection;
    if (!conn) return;
    for (const c of res.getAll('contact')) {
      const key = aliasKey(c);
      if (key) this.ctx.stack.aliasConnection(key, conn);
    }
  }
}

/**
 * docs/drachtio-protocol.md §4.2 REGISTER checks: every Contact needs a scheme, and
 * `Contact: *` is only allowed with `Expires: 0` (RFC 3261 §10.3 step 6).
 * Returns the 400 reason, or undefined when acceptable.
 */
function badRegister(req: SipRequest): string | undefined {
  for (const c of req.getAll('contact')) {
    const v = c.trim();
    if (v === '*') {
      if ((req.get('expires') ?? '').trim() !== '0') return 'Wildcard Contact requires Expires: 0';
      continue;
    }
    const lt = v.indexOf('<');
    const uri = lt >= 0 ? v.slice(lt + 1) : v;
    if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri)) return 'Invalid Contact';
  }
  return undefined;
}
