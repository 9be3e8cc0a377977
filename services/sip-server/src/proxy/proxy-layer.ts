import type { AdminConnection } from '../drachtio/admin-connection.js';
import type { AppFrame } from '../drachtio/app-frame.js';
import { parseAppSipMessage } from '../drachtio/app-sip-message.js';
import type { BridgeContext } from '../drachtio/bridge-context.js';
import { nokAnswer } from '../drachtio/server-frames.js';
import { headerKey } from '../sip/compact-forms.js';
import { makeResponse } from '../sip/make-response.js';
import { parseNameAddr, tagOf } from '../sip/name-addr.js';
import type { SipRequest } from '../sip/sip-request.js';
import type { SipResponse } from '../sip/sip-response.js';
import { parseUri } from '../sip/sip-uri.js';
import { parseVia } from '../sip/via.js';
import type { ServerTransaction } from '../transaction/server-transaction.js';
import { forwardRequest } from './forward-request.js';
import { parseProxyFrame } from './proxy-frame.js';
import { ProxiedCalls } from './proxied-calls.js';
import { ProxyOperation } from './proxy-operation.js';
import type { ProxyLayerDelegate } from './proxy-layer-delegate.js';

/**
 * Stateful proxy for `proxy` frames (docs/drachtio-protocol.md §3.5, §3.9, §4.13) plus
 * forwarding of in-dialog requests that carry our Record-Route, without the
 * app (docs/drachtio-protocol.md §4.8, conformance 49).
 */
export class ProxyLayer {
  readonly #ops = new Map<string, ProxyOperation>();
  readonly #calls = new ProxiedCalls();

  constructor(
    private readonly ctx: BridgeContext,
    private readonly delegate: ProxyLayerDelegate,
  ) {}

  /** Aborts every operation (server stop). */
  clear(): void {
    for (const op of this.#ops.values()) op.abort();
    this.#ops.clear();
    this.#calls.clear();
  }

  get size(): number {
    return this.#ops.size;
  }

  onProxyFrame(conn: AdminConnection, frame: AppFrame): void {
    let pf: ReturnType<typeof parseProxyFrame>;
    try {
      pf = parseProxyFrame(frame.tokens);
    } catch (err) {
      conn.respond(frame.msgId, nokAnswer((err as Error).message));
      return;
    }
    const rec = this.ctx.incoming.get(pf.txnId);
    if (!rec || rec.conn !== conn || rec.txn.finalSent) {
      conn.respond(frame.msgId, nokAnswer(`Unknown transaction id: ${pf.txnId}`));
      return;
    }
    const mf = rec.req.get('max-forwards');
    if (mf !== undefined && Number.parseInt(mf, 10) <= 0) {
      respond(rec.txn, 483);
      this.delegate.releaseIncoming(rec);
      conn.respond(frame.msgId, nokAnswer('Rejected with 483 Too Many Hops due to Max-Forwards value of 0'));
      return;
    }
    let extra: ReturnType<typeof parseAppSipMessage>['headers'] = [];
    if (frame.sip && frame.sip.length > 0) {
      try {
        extra = parseAppSipMessage(frame.sip).headers.filter((h) => headerKey(h.name) !== 'content-length');
      } catch {
        /* a bad skeleton only loses the extra headers */
      }
    }
    this.delegate.releaseIncoming(rec);
    const key = rec.txn.id;
    const callId = rec.req.callId ?? '';
    const remember = pf.remainInDialog && rec.req.method === 'INVITE' ? () => this.#calls.add(callId) : undefined;
    const op = new ProxyOperation(
      this.ctx,
      conn,
      frame.msgId,
      rec.req,
      rec.txn,
      pf,
      extra,
      () => this.#ops.delete(key),
      remember,
    );
    this.#ops.set(key, op);
    op.start();
  }

  /** CANCEL for an INVITE being proxied: 200 here, then cancel the branches (docs/drachtio-protocol.md §4.13). */
  onCancel(_cancel: SipRequest, cancelTxn: ServerTransaction, inviteKey: string): boolean {
    const op = this.#ops.get(inviteKey);
    if (!op) return false;
    respond(cancelTxn, 200);
    op.cancel();
    return true;
  }

  /** An in-dialog request whose top Route is us: forward it (RFC 3261 §16.4, §16.12). */
  onRequest(req: SipRequest, txn: ServerTransaction): boolean {
    if (tagOf(req.get('to')) === undefined) return false;
    if (this.#isOurRoute(req.get('route'))) req.removeFirst('route');
    else if (!this.#forwardByUri(req)) return false;
    if (req.method === 'BYE') this.#calls.delete(req.callId ?? '');
    const next = req.get('route');
    const target = next !== undefined ? parseNameAddr(next).uri : req.uri;
    this.ctx.nextHop(target).then(
      (hop) => {
        const fwd = forwardRequest(req, { uri: req.uri, local: hop.local, recordRoute: false, stripRoutes: false });
        const ct = this.ctx.stack.sendRequest(fwd, { destination: hop.destination });
        const relay = (res: SipResponse) => {
          res.removeFirst('via');
          res.raw = undefined;
          try {
            txn.respond(res);
          } catch {
            /* already final */
          }
        };
        ct.on('response', relay);
        ct.on('retransmission', relay);
        ct.once('timeout', () => respond(txn, 408));
        ct.once('transport-error', () => respond(txn, 503));
      },
      () => respond(txn, 500),
    );
    return true;
  }

  /** ACK for a 2xx in a record-routed dialog: forwarded statelessly (RFC 3261 §16.11). */
  onAck(ack: SipRequest): boolean {
    if (this.#isOurRoute(ack.get('route'))) ack.removeFirst('route');
    else if (!this.#forwardByUri(ack)) return false;
    const next = ack.get('route');
    const target = next !== undefined ? parseNameAddr(next).uri : ack.uri;
    this.ctx.nextHop(target).then(
      (hop) => {
        const fwd = forwardRequest(ack, { uri: ack.uri, local: hop.local, recordRoute: false, stripRoutes: false });
        this.ctx.sendStateless(fwd, hop.destination);
      },
      () => {},
    );
    return true;
  }

  /** A response with our Via on top and more below it (a late 2xx of a proxied INVITE): relay statelessly. */
  onStrayResponse(res: SipResponse): boolean {
    const vias = res.getAll('via');
    if (vias.length < 2) return false;
    try {
      const v = parseVia(vias[0] as string);
      if (!this.ctx.isLocal(v.host, v.port ?? 5060)) return false;
    } catch {
      return false;
    }
    res.removeFirst('via');
    res.raw = undefined;
    this.ctx.sendStateless(res);
    return true;
  }

  /**
   * No Route to us, but the call was proxied with Record-Route and the
   * Request-URI is someone else: the far end dropped our Record-Route, so
   * forward by Request-URI (RFC 3261 §16.5).
   */
  #forwardByUri(req: SipRequest): boolean {
    if (req.has('route') || !this.#calls.has(req.callId ?? '')) return false;
    try {
      const u = parseUri(req.uri);
      return !this.ctx.isLocal(u.host, u.port ?? 5060);
    } catch {
      return false;
    }
  }

  #isOurRoute(route: string | undefined): boolean {
    if (route === undefined) return false;
    try {
      const u = parseUri(parseNameAddr(route).uri);
      return this.ctx.isLocal(u.host, u.port ?? 5060);
    } catch {
      return false;
    }
  }
}

function respond(txn: ServerTransaction, status: number): void {
  try {
    txn.respond(makeResponse(txn.request, status, undefined, { toTag: true }));
  } catch {
    /* already final */
  }
}

