import { Dialog, endsSubscription } from '../dialog/dialog.js';
import { dialogId, localKey } from '../dialog/dialog-id.js';
import { DialogState } from '../dialog/dialog-state.js';
import type { AdminConnection } from '../drachtio/admin-connection.js';
import type { BridgeContext, NextHop } from '../drachtio/bridge-context.js';
import { nokAnswer, requestSentAnswer, sipLeader } from '../drachtio/server-frames.js';
import { parseCSeq } from '../sip/cseq.js';
import { makeResponse } from '../sip/make-response.js';
import { tagOf } from '../sip/name-addr.js';
import type { SipRequest } from '../sip/sip-request.js';
import type { SipResponse } from '../sip/sip-response.js';
import { parseUri } from '../sip/sip-uri.js';
import { buildOutOfDialogRequest } from './build-request.js';
import type { OutgoingTxn } from './outgoing-txn.js';
import { NokError } from './uac-errors.js';
import type { UacLayerDelegate } from './uac-layer-delegate.js';

/** RFC 3261 §25.1: user = 1*( unreserved / escaped / user-unreserved ). */
const USER_PART = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,;?/]|%[0-9A-Fa-f]{2})+$/;

/** Headers of an app CANCEL that are ignored (docs/drachtio-protocol.md §4.3). */
const CANCEL_IGNORED = new Set(['from', 'to', 'contact', 'p-asserted-identity', 'via', 'route', 'record-route', 'call-id', 'cseq', 'content-length', 'max-forwards']);

/**
 * Client side of the drachtio layer (docs/drachtio-protocol.md §4.3, §4.5, §4.10): requests
 * from applications, their echoes, responses and CANCELs.
 */
export class UacLayer {
  /** txnId → request the app sent, until its final response (or the ACK of its 2xx). */
  readonly #outgoing = new Map<string, OutgoingTxn>();

  constructor(
    private readonly ctx: BridgeContext,
    private readonly delegate: UacLayerDelegate,
  ) {}

  /** Requests the app sent still awaiting their outcome. */
  get size(): number {
    return this.#outgoing.size;
  }

  /** Forgets every app request (server stop). */
  clear(): void {
    this.#outgoing.clear();
  }

  /** App frame `sip||[|<routeUri>]` + request: a new out-of-dialog request (docs/drachtio-protocol.md, conformance 27–30, 38–42). */
  async onAppRequest(conn: AdminConnection, msgId: string, app: SipRequest, routeUri: string | undefined): Promise<void> {
    const ctx = this.ctx;
    let user: string | undefined;
    try {
      user = parseUri(app.uri).user;
    } catch {
      throw new NokError(`invalid request-uri: ${app.startLine()}`);
    }
    // docs/drachtio-protocol.md §4.3: an `@` with an invalid user part (RFC 3261 §25.1 `user`) is refused.
    if (user !== undefined && !USER_PART.test(user)) throw new NokError(`invalid request-uri: ${app.startLine()}`);
    const target = routeUri ? (/^sips?:/i.test(routeUri) ? routeUri : `sip:${routeUri}`) : app.uri;
    const hop = (routeUri ? undefined : ctx.aliasedHop(app.uri)) ?? (await ctx.nextHop(target));
    const { destination } = hop;
    if (ctx.isLocal(destination.address, destination.port)) throw new NokError('can not send request to myself');
    const req = buildOutOfDialogRequest(app, hop.local);
    const method = req.method;
    const dialogForming = method === 'INVITE' || method === 'SUBSCRIBE';
    const dId = dialogForming ? dialogId(req.callId ?? '', tagOf(req.get('from')) ?? '') : '';
    this.send(conn, msgId, req, hop, dId, undefined);
  }

  /** Sends `req` in a client transaction tracked under a new txnId (shared with in-dialog requests). */
  send(conn: AdminConnection, msgId: string, req: SipRequest, hop: NextHop, dId: string, d: Dialog | undefined): void {
    const ctx = this.ctx;
    const txn = ctx.stack.sendRequest(req, { destination: hop.destination });
    const rec: OutgoingTxn = {
      txnId: ctx.newTxnId(),
      conn,
      txn,
      req,
      local: hop.local,
      dialogId: dId,
      dialog: d,
      cancelled: false,
      pendingCancel: undefined,
      provisional: false,
      echoed: false,
      queued: [],
      release: undefined,
    };
    this.#outgoing.set(rec.txnId, rec);
    const inviteKey = req.method === 'INVITE' && !d ? localKey(req.callId ?? '', tagOf(req.get('from')) ?? '') : undefined;
    if (inviteKey) ctx.outgoingInvites.set(inviteKey, rec);
    const dropInvite = () => {
      if (inviteKey && ctx.outgoingInvites.get(inviteKey) === rec) ctx.outgoingInvites.delete(inviteKey);
    };
    if (d && req.method === 'INVITE') {
      d.cancelPendingInvite = () => this.#cancel(rec);
      const own = d.cancelPendingInvite;
      rec.release = () => {
        if (d.cancelPendingInvite === own) d.cancelPendingInvite = undefined;
      };
    } else rec.release = dropInvite;
    txn.once('sent', (info) => {
      rec.echoed = true;
      if (req.method === 'INVITE' && !d) ctx.cdr.attempt('application', info.data);
      else if (req.method === 'BYE' && d) ctx.cdr.stop('application', 'normal-release', info.data);
      conn.respond(msgId, requestSentAnswer(ctx.appMeta(info.data.length, info.local), rec.txnId), info.data);
      for (const f of rec.queued.splice(0)) f();
    });
    txn.on('response', (res) => this.#onResponse(rec, res));
    txn.on('retransmission', () => {
      const dd = rec.dialog ?? ctx.dialogs.get(rec.dialogId);
      if (dd?.lastAck && dd.lastAckHop) ctx.sendStateless(dd.lastAck, dd.lastAckHop.destination);
    });
    txn.once('timeout', () => this.#local(rec, 408));
    txn.once('transport-error', (err) => {
      if (!rec.echoed) {
        this.#outgoing.delete(rec.txnId);
        conn.respond(msgId, nokAnswer(`failed sending, possibly due to far end closing socket: ${err.message}`));
        return;
      }
      this.#local(rec, 503);
    });
    txn.once('terminated', () => {
      dropInvite();
      if (this.#outgoing.get(rec.txnId) === rec) this.#outgoing.delete(rec.txnId);
    });
  }

  /** Locally generated final (408 timeout, 503 transport failure), delivered like a network response (docs/drachtio-protocol.md §4.10). */
  #local(rec: OutgoingTxn, status: number): void {
    const res = makeResponse(rec.req, status);
    const bytes = res.toBuffer();
    res.raw = bytes;
    const src = { protocol: rec.local.protocol, address: rec.local.advertisedHost, port: rec.local.port, local: rec.local };
    this.#deliver(rec, res, this.ctx.networkMeta(bytes.length, src));
    this.#final(rec, res);
  }

  #onResponse(rec: OutgoingTxn, res: SipResponse): void {
    const ctx = this.ctx;
    const method = rec.req.method;
    const status = res.status;
    if (status < 200) {
      rec.provisional = true;
      if (rec.pendingCancel) {
        // docs/drachtio-protocol.md §4.5: a CANCEL is held until a provisional arrived.
        ctx.stack.sendRequest(rec.pendingCancel, { destination: rec.txn.destination });
        rec.pendingCancel = undefined;
      }
      if (method === 'INVITE' && !rec.dialog && res.has('rseq')) this.#uacDialog(rec, res, DialogState.Early);
    } else if (status < 300) {
      if ((method === 'INVITE' || method === 'SUBSCRIBE') && !rec.dialog && rec.conn.isOpen) {
        const d = this.#uacDialog(rec, res, DialogState.Confirmed);
        if (method === 'INVITE') {
          d.inviteCseq = cseqOf(rec.req);
          d.lastAck = undefined;
          d.ackPending = true;
          d.cancelRace = rec.cancelled;
          // docs/drachtio-protocol.md §4.6: an app that never ACKs leaves nothing behind after 64×T1 (no BYE).
          d.setTimer('uac-ack-wait', 64 * ctx.settings.t1, () => {
            if (d.ackPending) ctx.dialogs.remove(d);
          });
          this.delegate.inviteAnswered(d, rec.req, res);
        }
      } else if (method === 'INVITE' && rec.dialog) {
        const d = rec.dialog;
        d.inviteCseq = cseqOf(rec.req);
        d.lastAck = undefined;
        d.ackPending = true;
        const c = res.get('contact');
        if (c !== undefined) d.remoteTarget = ctx.uriOf(c);
        this.delegate.inviteAnswered(d, rec.req, res);
      }
    }
    const raw = ctx.rawOf(res);
    if (method === 'INVITE' && !rec.dialog && status >= 200) {
      if (status < 300) ctx.cdr.start('network', 'uac', raw);
      else ctx.cdr.stop('network', status === 487 ? 'call-canceled' : 'call-rejected', raw);
    }
    const src = { protocol: rec.local.protocol, address: rec.txn.destination?.address ?? '', port: rec.txn.destination?.port ?? 0, local: rec.local };
    this.#deliver(rec, res, ctx.networkMeta(raw.length, src));
    if (status >= 200) this.#final(rec, res);
  }

  #deliver(rec: OutgoingTxn, res: SipResponse, meta: ReturnType<BridgeContext['networkMeta']>): void {
    const raw = this.ctx.rawOf(res);
    const f = () => rec.conn.send(sipLeader(meta, rec.txnId, rec.dialogId), raw);
    // docs/drachtio-protocol.md §4.10: the `Msg sent:` echo must precede every response frame.
    if (rec.echoed) f();
    else rec.queued.push(f);
  }

  #final(rec: OutgoingTxn, res: SipResponse): void {
    const ctx = this.ctx;
    rec.pendingCancel = undefined;
    rec.release?.();
    if (rec.req.method !== 'INVITE' || res.status >= 300) this.#outgoing.delete(rec.txnId);
    const status = res.status;
    if (rec.req.method === 'INVITE' && status >= 300 && !rec.dialog) {
      const early = ctx.dialogs.get(rec.dialogId);
      if (early && early.state === DialogState.Early) ctx.dialogs.remove(early);
    }
    // docs/drachtio-protocol.md §4.7: a final to the app's BYE (except 401/407) ends the dialog.
    if (rec.req.method === 'BYE' && rec.dialog && status !== 401 && status !== 407) ctx.dialogs.remove(rec.dialog);
    // RFC 6665 §4.1.3: our NOTIFY with Subscription-State: terminated ends the subscription dialog.
    if (rec.dialog && status >= 200 && endsSubscription(rec.dialog, rec.req)) ctx.dialogs.remove(rec.dialog);
  }

  /** Creates (or confirms) the UAC dialog from a 2xx / reliable 1xx (RFC 3261 §12.1.2). */
  #uacDialog(rec: OutgoingTxn, res: SipResponse, state: DialogState): Dialog {
    const ctx = this.ctx;
    const req = rec.req;
    const existing = ctx.dialogs.get(rec.dialogId);
    const target = res.get('contact');
    let remoteTarget = req.uri;
    if (target !== undefined) {
      try {
        remoteTarget = ctx.uriOf(target);
      } catch {
        /* keep the request-URI */
      }
    }
    if (existing) {
      existing.state = state;
      existing.remoteTag = tagOf(res.get('to')) ?? existing.remoteTag;
      existing.remoteHeader = res.get('to') ?? existing.remoteHeader;
      existing.remoteTarget = remoteTarget;
      existing.routeSet = res.getAll('record-route').reverse();
      return existing;
    }
    const d = new Dialog({
      role: 'uac',
      callId: req.callId ?? '',
      localTag: tagOf(req.get('from')) ?? '',
      remoteTag: tagOf(res.get('to')) ?? '',
      localHeader: req.get('from') ?? '',
      remoteHeader: res.get('to') ?? '',
      localContact: req.get('contact') ?? '',
      remoteTarget,
      // RFC 3261 §12.1.2: UAC route set = Record-Route in reverse order.
      routeSet: res.getAll('record-route').reverse(),
      localCseq: cseqOf(req),
      remoteCseq: 0,
      owner: rec.conn,
      local: rec.local,
      state,
    });
    if (req.method === 'SUBSCRIBE') d.usage = 'subscribe';
    ctx.dialogs.add(d);
    return d;
  }

  /** CANCELs a pending INVITE now, or once a provisional arrives (docs/drachtio-protocol.md §4.5). */
  #cancel(rec: OutgoingTxn, extra: ReadonlyArray<{ name: string; value: string }> = []): SipRequest {
    const cancel = rec.txn.createCancel(extra);
    rec.cancelled = true;
    if (rec.txn.lastStatus >= 200) return cancel;
    if (rec.provisional) this.ctx.stack.sendRequest(cancel, { destination: rec.txn.destination });
    else rec.pendingCancel = cancel;
    return cancel;
  }

  /** App frame `sip|<inviteTxnId>|` + CANCEL (docs/drachtio-protocol.md, conformance 34). */
  onAppCancel(conn: AdminConnection, msgId: string, txnId: string, app: SipRequest): void {
    const ctx = this.ctx;
    const rec = this.#outgoing.get(txnId);
    if (!rec || rec.conn !== conn || rec.req.method !== 'INVITE' || rec.txn.lastStatus >= 200) {
      conn.respond(msgId, nokAnswer(`unable to cancel unknown transaction id: ${txnId}`));
      return;
    }
    const extra = app.headers.filter((h) => !CANCEL_IGNORED.has(h.name.toLowerCase()));
    const cancel = this.#cancel(rec, extra);
    const bytes = cancel.toBuffer();
    conn.respond(msgId, requestSentAnswer(ctx.appMeta(bytes.length, rec.local), ctx.newTxnId()), bytes);
  }
}

function cseqOf(req: SipRequest): number {
  try {
    return parseCSeq(req.get('cseq') ?? '').seq;
  } catch {
    return 0;
  }
}
