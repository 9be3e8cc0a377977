import type { AdminConnection } from '../drachtio/admin-connection.js';
import type { BridgeContext } from '../drachtio/bridge-context.js';
import { formatMeta } from '../drachtio/meta.js';
import { nokAnswer } from '../drachtio/server-frames.js';
import { makeResponse } from '../sip/make-response.js';
import type { SipHeader } from '../sip/sip-header.js';
import { parseNameAddr } from '../sip/name-addr.js';
import type { SipRequest } from '../sip/sip-request.js';
import type { SipResponse } from '../sip/sip-response.js';
import { parseUri } from '../sip/sip-uri.js';
import type { ClientTransaction } from '../transaction/client-transaction.js';
import type { ServerTransaction } from '../transaction/server-transaction.js';
import type { Destination } from '../transport/transport-types.js';
import { bestResponseIndex } from './best-response.js';
import { forwardRequest } from './forward-request.js';
import type { ProxyFrame } from './proxy-frame.js';

/** Upper bound on targets including redirects (loop protection). */
const MAX_BRANCHES = 16;

function newBranch(dest: string): Branch {
  return {
    dest,
    txn: undefined,
    destination: undefined,
    provisional: false,
    final: undefined,
    cancelPending: false,
    failed: false,
    redirected: false,
    timer: undefined,
  };
}

interface Branch {
  dest: string;
  txn: ClientTransaction | undefined;
  destination: Destination | undefined;
  provisional: boolean;
  final: SipResponse | undefined;
  cancelPending: boolean;
  /** No transport / resolution failure: nothing was sent. */
  failed: boolean;
  /** A 3xx whose Contacts became new targets: not a candidate for the best response. */
  redirected: boolean;
  timer: NodeJS.Timeout | undefined;
}

/**
 * One stateful proxy operation for a pending request (RFC 3261 §16,
 * docs/drachtio-protocol.md §3.9, §4.13): serial or parallel forking, provisional timeout,
 * 1xx/2xx forwarded at once, best final forwarded when all branches ended,
 * one `OK|…|||continue` frame per branch final and a closing `OK|done`.
 */
export class ProxyOperation {
  readonly #branches: Branch[];
  #next = 0;
  #answered = false;
  #cancelled = false;
  #done = false;

  constructor(
    private readonly ctx: BridgeContext,
    private readonly conn: AdminConnection,
    private readonly msgId: string,
    private readonly req: SipRequest,
    readonly serverTxn: ServerTransaction,
    private readonly frame: ProxyFrame,
    private readonly extra: readonly SipHeader[],
    private readonly onEnd: () => void,
    /** Called once a 2xx was forwarded (record-routed calls are remembered by the layer). */
    private readonly onAnswered: () => void = () => {},
  ) {
    this.#branches = frame.destinations.map((dest) => newBranch(dest));
  }

  start(): void {
    if (this.frame.simultaneous) for (let i = 0; i < this.#branches.length; i++) this.#startNext();
    else this.#startNext();
  }

  /** Upstream CANCEL (docs/drachtio-protocol.md §4.13): cancel every branch, forward the best final when they end. */
  cancel(): void {
    this.#cancelled = true;
    for (const b of this.#branches) this.#cancelBranch(b);
    this.#maybeFinish();
  }

  /** Server shutdown: clear timers, send nothing more. */
  abort(): void {
    this.#done = true;
    for (const b of this.#branches) {
      if (b.timer) clearTimeout(b.timer);
      b.timer = undefined;
    }
  }

  #startNext(): void {
    const b = this.#branches[this.#next++];
    if (!b) return;
    this.#startBranch(b).catch(() => this.#branchFinal(b, undefined));
  }

  async #startBranch(b: Branch): Promise<void> {
    const hop = await this.ctx.nextHop(b.dest);
    if (this.#done || this.#answered || this.#cancelled) {
      this.#branchFinal(b, undefined);
      return;
    }
    const fwd = forwardRequest(this.req, {
      uri: this.#requestUri(b.dest),
      local: hop.local,
      recordRoute: this.frame.remainInDialog && this.req.method !== 'REGISTER',
      stripRoutes: true,
      extra: this.extra,
    });
    b.destination = hop.destination;
    const txn = this.ctx.stack.sendRequest(fwd, { destination: hop.destination });
    b.txn = txn;
    txn.on('response', (res) => this.#onResponse(b, res));
    txn.on('retransmission', (res) => {
      if (res.status >= 200 && res.status < 300) this.#forward(res);
    });
    txn.once('timeout', () => this.#branchFinal(b, makeResponse(fwd, 408)));
    txn.once('transport-error', () => this.#branchFinal(b, makeResponse(fwd, 503)));
    const pt = this.frame.provisionalTimeout;
    if (pt !== undefined && !this.frame.simultaneous) {
      b.timer = setTimeout(() => {
        b.timer = undefined;
        if (b.provisional || b.final) return;
        // No provisional in time: abandon this target (a CANCEL cannot precede a 1xx, RFC 3261 §9.1).
        txn.terminate();
        this.#branchFinal(b, makeResponse(fwd, 408));
      }, pt);
    }
  }

  /** The Request-URI becomes the target only when the original one addressed us (docs/drachtio-protocol.md §4.13). */
  #requestUri(dest: string): string {
    try {
      const u = parseUri(this.req.uri);
      if (this.ctx.isLocal(u.host, u.port ?? 5060)) return dest;
      return this.req.uri;
    } catch {
      return dest;
    }
  }

  #onResponse(b: Branch, res: SipResponse): void {
    if (b.final) return;
    if (res.status < 200) {
      b.provisional = true;
      if (b.timer) clearTimeout(b.timer);
      b.timer = undefined;
      if (b.cancelPending) this.#cancelBranch(b);
      if (!this.#answered && !this.#cancelled) this.#forward(res);
      return;
    }
    this.#report(b, res);
    if (res.status < 300) {
      b.final = res;
      this.#answered = true;
      this.onAnswered();
      this.#forward(res);
      for (const other of this.#branches) if (other !== b) this.#cancelBranch(other);
      this.#finish();
      return;
    }
    if (res.status < 400 && this.frame.followRedirects && !this.#cancelled) this.#recurse(b, res);
    this.#branchFinal(b, res);
  }

  /** RFC 3261 §16.7 step 4: a 3xx's Contacts become new targets when following redirects. */
  #recurse(b: Branch, res: SipResponse): void {
    const added: Branch[] = [];
    for (const c of res.getAll('contact')) {
      let uri: string;
      try {
        uri = parseNameAddr(c).uri;
      } catch {
        continue;
      }
      if (this.#branches.length >= MAX_BRANCHES || this.#branches.some((x) => x.dest === uri)) continue;
      const nb = newBranch(uri);
      this.#branches.push(nb);
      added.push(nb);
    }
    if (added.length === 0) return;
    b.redirected = true;
    if (this.frame.simultaneous) for (let i = 0; i < added.length; i++) this.#startNext();
  }

  /** `OK|<meta>|||continue` + the response (docs/drachtio-protocol.md §3.9). */
  #report(b: Branch, res: SipResponse): void {
    if (!this.frame.fullResponse || this.#done) return;
    const raw = this.ctx.rawOf(res);
    const d = b.destination;
    const meta = formatMeta({
      source: 'network',
      bytes: raw.length,
      protocol: d?.protocol ?? 'udp',
      address: d?.address ?? '',
      port: d?.port ?? 0,
    });
    this.conn.respond(this.msgId, `OK|${meta}|||continue`, raw);
  }

  /** A branch ended: with a final (network or synthesised 408/503) or failed before sending. */
  #branchFinal(b: Branch, res: SipResponse | undefined): void {
    if (this.#ended(b)) return;
    if (b.timer) clearTimeout(b.timer);
    b.timer = undefined;
    b.cancelPending = false;
    if (res) b.final = res;
    else b.failed = true;
    // Serial forking tries the next target unless a 6xx ended the search (RFC 3261 §16.7 step 5).
    if (!this.#answered && !this.#cancelled && !this.frame.simultaneous && (res?.status ?? 0) < 600) this.#startNext();
    this.#maybeFinish();
  }

  #cancelBranch(b: Branch): void {
    if (!b.txn || b.final || b.txn.state === 'terminated') return;
    if (!b.provisional) {
      b.cancelPending = true;
      return;
    }
    b.cancelPending = false;
    this.ctx.stack.sendRequest(b.txn.createCancel(), b.txn.destination ? { destination: b.txn.destination } : {});
  }

  #ended(b: Branch): boolean {
    return b.final !== undefined || b.failed;
  }

  #maybeFinish(): void {
    if (this.#done || this.#answered) return;
    const started = this.#next;
    const moreToTry = !this.#cancelled && started < this.#branches.length && !this.frame.simultaneous;
    if (moreToTry) return;
    if (!this.#branches.slice(0, started).every((b) => this.#ended(b))) return;
    const finals = this.#branches
      .filter((b) => !b.redirected)
      .map((b) => b.final)
      .filter((r): r is SipResponse => r !== undefined);
    if (finals.length === 0) {
      // docs/drachtio-protocol.md §4.13, conformance 50: no usable transport for any target.
      this.#respondUpstream(500);
      this.#done = true;
      this.conn.respond(this.msgId, nokAnswer(`error proxying request to ${this.frame.destinations.join(',')}`));
      this.onEnd();
      return;
    }
    const best = finals[bestResponseIndex(finals.map((r) => r.status))] as SipResponse;
    if (best.status === 503) this.#respondUpstream(500);
    else this.#forward(best);
    this.#finish();
  }

  #finish(): void {
    if (this.#done) return;
    this.#done = true;
    this.conn.respond(this.msgId, 'OK|done');
    this.onEnd();
  }

  #respondUpstream(status: number): void {
    try {
      this.serverTxn.respond(makeResponse(this.req, status, undefined, { toTag: true }));
    } catch {
      /* already final */
    }
  }

  /** Relays a response upstream without our Via (RFC 3261 §16.7 step 3/9). */
  #forward(res: SipResponse): void {
    res.removeFirst('via');
    res.raw = undefined;
    try {
      this.serverTxn.respond(res);
    } catch {
      /* upstream transaction already final */
    }
  }
}
