/**
 * `SipServer`: a drachtio-protocol SIP server. Wires the admin listener
 * (drachtio application protocol), the SIP stack and the drachtio layer
 * (UAS, UAC, dialogs, proxy).
 */
import { DialogLayer } from './dialog/dialog-layer.js';
import { AdminServer } from './drachtio/admin-server.js';
import { AppFrameDispatch } from './drachtio/app-frame-dispatch.js';
import { BridgeContext } from './drachtio/bridge-context.js';
import type { AdminConnection } from './drachtio/admin-connection.js';
import { RouteTable } from './drachtio/route-table.js';
import { ProxyLayer } from './proxy/proxy-layer.js';
import { type ServerOptions, type ServerOptionsInput, resolveServerOptions } from './server-options.js';
import { SipStack, type SipStackDeps } from './sip-stack.js';
import { formatHostPort } from './sip/sip-uri.js';
import { type StackLogger, stderrLogger } from './stack-logger.js';
import type { BoundContact } from './transport/transport-types.js';
import { UacLayer } from './uac/uac-layer.js';
import { UasLayer } from './uas/uas-layer.js';

/** Counters exposed for metrics and leak checks. */
export interface SipServerStats {
  /** Authenticated application connections. */
  applications: number;
  /** Admin connections (authenticated or not). */
  adminConnections: number;
  /** Dialogs held (early + confirmed). */
  dialogs: number;
  /** Pending app-visible transactions (incoming awaiting the app + outgoing). */
  transactions: number;
  /** SIP stack transactions alive. */
  stackTransactions: number;
  /** Open SIP TCP connections. */
  sipConnections: number;
  sipMessagesIn: number;
  sipMessagesOut: number;
  /** Admin connections closed because they did not authenticate in time (total). */
  adminAuthTimeouts: number;
  /** Admin connections closed for an oversize or malformed frame before authenticating (total). */
  adminPreAuthRejects: number;
}

/** Replaceable collaborators (tests). */
export interface SipServerDeps extends SipStackDeps {
  logger?: StackLogger;
}

const silentLogger: StackLogger = { debug() {}, info() {}, warn() {}, error() {} };

export class SipServer {
  readonly options: ServerOptions;
  readonly stack: SipStack;
  readonly admin: AdminServer;
  readonly #ctx: BridgeContext;
  readonly #uas: UasLayer;
  readonly #uac: UacLayer;
  readonly #proxy: ProxyLayer;
  #started = false;

  constructor(options: ServerOptionsInput | ServerOptions = {}, deps: SipServerDeps = {}) {
    this.options = resolveServerOptions(options as ServerOptionsInput);
    const o = this.options;
    // A pino logger passed in deps gets everything; otherwise only `debug` prints (warnings/errors on stderr).
    const logger = deps.logger ?? (o.logLevel === 'debug' ? stderrLogger : silentLogger);
    this.stack = new SipStack(
      {
        contacts: o.contacts,
        timers: o.timers,
        autoTrying: o.autoTrying,
        tcpMessageTimeout: o.tcp.messageTimeout,
        tcpMaxConnectionsPerAddress: o.tcp.maxConnectionsPerAddress,
        logger,
      },
      deps.resolver ? { resolver: deps.resolver } : {},
    );
    const routes = new RouteTable<AdminConnection>();
    const ctx = new BridgeContext(this.stack, routes, {
      t1: o.timers.t1,
      t2: o.timers.t2,
      policy: o.policy,
      // docs/drachtio-protocol.md §4.2: 64 s with the default T1.
      pendingTimeoutMs: 128 * o.timers.t1,
      cdrs: o.cdrs,
    });
    this.#ctx = ctx;
    // Each layer gets its collaborators through a delegate at construction. The
    // cycles (dialog ↔ UAS/UAC, proxy ↔ UAS) are closed by delegate functions
    // that name a layer built further down; they only run on traffic, after
    // the constructor has finished.
    const proxy = new ProxyLayer(ctx, {
      releaseIncoming: (rec) => uas.forget(rec),
    });
    const dialogs = new DialogLayer(
      ctx,
      {
        trackIncoming: (rec) => uas.track(rec),
        sendInDialog: (conn, msgId, req, hop, d) => uac.send(conn, msgId, req, hop, d.id, d),
      },
      o.minSE,
    );
    const uas = new UasLayer(ctx, {
      inDialogRequest: (req, txn, d) => dialogs.onRequest(req, txn, d),
      reliableProvisionalSent: (rec, res) => dialogs.onUasReliable1xx(rec, res),
      dialogFormingSuccessSent: (rec, res) => dialogs.onUas2xx(rec, res),
      inviteFailed: (rec, localTag) => dialogs.onUasFailure(rec, localTag),
      interceptCancel: (cancel, cancelTxn, inviteKey) => proxy.onCancel(cancel, cancelTxn, inviteKey),
    });
    const uac = new UacLayer(ctx, {
      inviteAnswered: (d, req, res) => dialogs.sessionTimer.armUac(d, req, res),
    });
    const dispatch = new AppFrameDispatch({
      appResponse: (conn, msgId, txnId, res) => uas.onAppResponse(conn, msgId, txnId, res),
      appInDialogRequest: (conn, msgId, dialogId, req) => dialogs.onAppRequest(conn, msgId, dialogId, req),
      appCancel: (conn, msgId, txnId, req) => uac.onAppCancel(conn, msgId, txnId, req),
      appRequest: (conn, msgId, req, routeUri) => uac.onAppRequest(conn, msgId, req, routeUri),
      proxyFrame: (conn, frame) => proxy.onProxyFrame(conn, frame),
    });
    this.#uas = uas;
    this.#uac = uac;
    this.#proxy = proxy;
    this.admin = new AdminServer({
      address: o.admin.address,
      port: o.admin.port,
      secret: o.admin.secret,
      authTimeoutMs: o.admin.authTimeout,
      routes,
      hostports: () => this.#hostports(true),
      localHostports: () => this.#hostports(false),
      onAppFrame: (conn, frame) => dispatch.onFrame(conn, frame),
      onDisconnect: (conn) => dialogs.onDisconnect(conn),
      onProtocolError: (conn, err) =>
        logger.warn({ app: conn.remote, code: (err as { code?: string }).code, err: err.message }, 'admin protocol error'),
    });
    this.stack.on('request', (req, txn) => {
      if (proxy.onRequest(req, txn)) return;
      uas.onRequest(req, txn);
    });
    this.stack.on('ack', (ack, source) => {
      if (proxy.onAck(ack)) return;
      dialogs.onAck(ack, source);
    });
    this.stack.on('cancel', (cancel, cancelTxn, inviteTxn, inviteKey) => uas.onCancel(cancel, cancelTxn, inviteTxn, inviteKey));
    this.stack.on('stray-response', (res) => {
      if (proxy.onStrayResponse(res)) return;
      dialogs.onStrayResponse(res);
    });
  }

  /** Binds SIP transports, then the admin port. */
  async start(): Promise<void> {
    await this.stack.start();
    try {
      await this.admin.listen();
    } catch (err) {
      await this.stack.stop();
      throw err;
    }
    this.#started = true;
  }

  /** Closes app connections, terminates transactions and dialogs, closes sockets. */
  async stop(): Promise<void> {
    this.#started = false;
    await this.admin.close();
    for (const d of [...this.#ctx.dialogs.all()]) this.#ctx.dialogs.remove(d);
    this.#uas.clear();
    this.#uac.clear();
    this.#ctx.outgoingInvites.clear();
    this.#proxy.clear();
    await this.stack.stop();
  }

  get started(): boolean {
    return this.#started;
  }

  /** Admin port actually bound (useful with port 0). */
  get adminPort(): number {
    return this.admin.address()?.port ?? this.options.admin.port;
  }

  /** Bound SIP listening points. */
  sipContacts(): readonly BoundContact[] {
    return this.stack.localContacts();
  }

  stats(): SipServerStats {
    const s = this.stack.stats();
    let applications = 0;
    for (const c of this.admin.connections) if (c.state === 'authenticated') applications++;
    return {
      applications,
      adminConnections: this.admin.connections.size,
      dialogs: this.#ctx.dialogs.size,
      transactions: this.#ctx.incoming.size + this.#uac.size,
      stackTransactions: s.serverTransactions + s.clientTransactions,
      sipConnections: s.connections,
      sipMessagesIn: s.requestsIn + s.responsesIn,
      sipMessagesOut: s.requestsOut + s.responsesOut,
      adminAuthTimeouts: this.admin.rejections.authTimeout,
      adminPreAuthRejects: this.admin.rejections.preAuthFraming,
    };
  }

  /** `proto/host:port,…` for the authenticate answer (docs/drachtio-protocol.md §2.1). */
  #hostports(external: boolean): string {
    return this.stack
      .localContacts()
      .map((c) => `${c.protocol}/${formatHostPort(external ? c.advertisedHost : c.host, c.port)}`)
      .join(',');
  }
}
