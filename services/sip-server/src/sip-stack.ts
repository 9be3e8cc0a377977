/**
 * `SipStack`: the SIP core facade — transports (UDP/TCP, IPv4/IPv6), parser
 * and the RFC 3261 §17 transaction layer. The dialog layer (`src/dialog/`,
 * `src/server.ts`) sits on top and only talks to this class.
 *
 * Incoming: `request(req, serverTxn)` for each new request (retransmissions
 * are absorbed), `ack(ack, source)` for ACKs matching no server transaction
 * (2xx ACKs), `cancel(cancel, cancelTxn, inviteTxn?)`, `stray-response(res,
 * source)` for responses matching no client transaction.
 * Outgoing: `sendRequest(req, {destination?})` → {@link ClientTransaction}
 * (Via/branch/rport filled in when missing; target resolved from the first
 * Route or the Request-URI), `sendStateless(msg, destination?)` for ACK-for-2xx,
 * 2xx retransmissions, proxied responses. `resolve(uri)` picks transport,
 * address, port and the local listening point ahead of building a request.
 * TCP connections are pooled per remote endpoint; `aliasConnection(key, conn)`
 * pins e.g. a registered Contact's user@host to the connection it came from.
 *
 * Notes between the SIP core and the dialog layer (keep about the code):
 * - `ServerTransaction.respond()` throws PBX_ERR_SIP_TXN_STATE when the
 *   transaction cannot take that response (map to NOK).
 * - INVITE 2xx: the server transaction goes to `accepted` (RFC 6026); the
 *   dialog layer retransmits the 2xx (Timer G) with `txn.resend()` or
 *   `sendStateless(res, txn.source)`-style calls until the ACK (`ack` event).
 * - `ClientTransaction` emits `sent` (exact bytes + local contact) before any
 *   `response`; 100 is never emitted; `retransmission` carries 2xx repeats.
 * - A pending client transaction whose TCP connection closes emits
 *   `transport-error` (PBX_ERR_SIP_TRANSPORT); resolution failures do too
 *   (PBX_ERR_SIP_RESOLVE / PBX_ERR_SIP_NO_TRANSPORT).
 * - INVITE retransmissions are absorbed silently while only the automatic
 *   100 was sent; once the TU sent a provisional it is resent (§17.2.1).
 * - A server transaction the TU never answers is released silently after
 *   2×64×T1 (non-INVITE; 64 s by default) or Timer C (INVITE; 185 s);
 *   `terminate()` releases it earlier (e.g. when the app connection is gone).
 * - UDP sockets resolve IP literals without dns.lookup, and
 *   `ServerTransaction.lastBytes` exposes the bytes `respond()` serialised
 *   (reuse them for the `Msg sent:` echo).
 * - Memory: after its final response a UDP server transaction only absorbs
 *   retransmissions for 64×T1 (Timer J/L, 32 s by default). The stack then
 *   swaps it in its map for a compact `ServerTxnRecord` (key, response bytes
 *   for non-INVITE, destination, expiry), all expired by one timer over a
 *   FIFO (`serverTransactionRecords` in `stats()`). The object itself keeps
 *   working for whoever holds it (`resend()`, TU 2xx retransmissions; `state`
 *   turns terminated at Timer J/L), but the stack keeps it only while it has
 *   `terminated` listeners: remove such listeners (`txn.off`) once done with
 *   the transaction, or it and whatever they capture (request records,
 *   dialogs) stay alive 32 s — at 1 000 calls/s, ~64 000 of them. TCP
 *   transactions and INVITE non-2xx (Timer G/H, I) keep the object.
 * - `SipMessage.topVia()` is the parsed top Via, cached (the parser already
 *   parsed it); `headerKeys` is the canonical key list parallel to `headers`.
 */
import { EventEmitter } from 'node:events';
import { safeEmit } from './safe-emit.js';
import { PBX_ERR_SIP_NO_TRANSPORT, PBX_ERR_SIP_STACK_STATE, PBX_ERR_SIP_TRANSPORT } from './sip/errors.js';
import { makeResponse } from './sip/make-response.js';
import { nextHopUri } from './sip/next-hop-uri.js';
import { parseMessage } from './sip/parse-message.js';
import { newBranch } from './sip/random-token.js';
import { SipParseError } from './sip/sip-parse-error.js';
import type { SipMessage } from './sip/sip-message.js';
import type { SipRequest } from './sip/sip-request.js';
import type { SipResponse } from './sip/sip-response.js';
import { type SipUri, formatHostPort } from './sip/sip-uri.js';
import { type Via, parseVia } from './sip/via.js';
import type { SipStackEvents } from './sip-stack-events.js';
import { type ResolvedSipStackOptions, type SipStackOptions, resolveStackOptions } from './sip-stack-options.js';
import type { SipStackStats } from './sip-stack-stats.js';
import { type StackLogger, stderrLogger } from './stack-logger.js';
import { ClientTransaction } from './transaction/client-transaction.js';
import { ServerTransaction } from './transaction/server-transaction.js';
import type { TransactionContext } from './transaction/transaction-context.js';
import { ServerTxnRecord } from './transaction/server-txn-record.js';
import { ServerTxnTable } from './transaction/server-txn-table.js';
import { clientTransactionKey, serverTransactionKey } from './transaction/transaction-key.js';
import { ipFamily } from './transport/address-utils.js';
import { type Resolver, resolveTarget, systemResolver } from './transport/resolve-target.js';
import { stampVia } from './transport/stamp-via.js';
import { TransportLayer } from './transport/transport-layer.js';
import type {
  BoundContact,
  Destination,
  MessageSource,
  SentInfo,
  SipConnection,
  TransportProtocol,
} from './transport/transport-types.js';

export type { ResolvedSipStackOptions } from './sip-stack-options.js';

/** Dependencies that tests may replace. */
export interface SipStackDeps {
  /** DNS resolver. @defaultValue node:dns (lookup + resolveSrv) */
  resolver?: Resolver;
}

export class SipStack extends EventEmitter<SipStackEvents> {
  readonly options: ResolvedSipStackOptions;
  readonly #logger: StackLogger;
  readonly #resolver: Resolver;
  readonly #transport: TransportLayer;
  /** Live server transactions, and compact records of finished UDP ones absorbing retransmissions until Timer J/L. */
  readonly #server: ServerTxnTable;
  readonly #client = new Map<string, ClientTransaction>();
  readonly #ctx: TransactionContext;
  #state: 'new' | 'started' | 'stopped' = 'new';
  readonly #stats = {
    requestsIn: 0,
    responsesIn: 0,
    requestsOut: 0,
    responsesOut: 0,
    parseErrors: 0,
    retransmissionsIn: 0,
  };

  constructor(options: SipStackOptions = {}, deps: SipStackDeps = {}) {
    super();
    this.options = resolveStackOptions(options);
    this.#logger = options.logger ?? stderrLogger;
    this.#resolver = deps.resolver ?? systemResolver;
    this.#transport = new TransportLayer(
      this.options.contacts,
      {
        maxMessageBytes: this.options.maxMessageBytes,
        tcpIdleTimeout: this.options.tcpIdleTimeout,
        tcpMessageTimeout: this.options.tcpMessageTimeout,
        tcpMaxConnectionsPerAddress: this.options.tcpMaxConnectionsPerAddress,
        logger: this.#logger,
      },
      {
        message: (data, source) => this.#onMessage(data, source),
        framingError: (reason, data, source) => this.#onFramingError(reason, data, source),
        connectionClosed: (conn) => this.#onConnectionClosed(conn),
      },
    );
    this.#server = new ServerTxnTable(
      this.options.timers.timeout64,
      (data, dest, cb) => this.#send(data, dest, cb),
      this.#logger,
    );
    this.#ctx = {
      timers: this.options.timers,
      logger: this.#logger,
      send: (data, dest, cb) => this.#send(data, dest, cb),
      removeTransaction: (key, kind, txn) => {
        if (kind === 'client') {
          this.#client.delete(key);
          return;
        }
        this.#server.remove(key, txn as ServerTransaction | undefined);
      },
      retireServer: (txn, resendBytes, delay) => this.#server.retire(txn, resendBytes, delay),
      pinServer: (txn, pinned) => this.#server.pin(txn, pinned),
    };
  }

  /** Binds all listening points. */
  async start(): Promise<void> {
    if (this.#state !== 'new') throw new PBX_ERR_SIP_STACK_STATE(`cannot start when ${this.#state}`);
    await this.#transport.start();
    this.#state = 'started';
  }

  /** Terminates every transaction (clearing timers) and closes all sockets. */
  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    this.#server.close();
    for (const t of [...this.#client.values()]) t.terminate();
    await this.#transport.stop();
  }

  /** Bound listening points (actual ports when 0 was configured). */
  localContacts(): readonly BoundContact[] {
    return this.#transport.contacts();
  }

  /** A listening point for protocol/family, suited to reach `target` when given (see TransportLayer.pickLocal). */
  pickLocal(protocol: TransportProtocol, family: 4 | 6 = 4, target?: string): BoundContact | undefined {
    return this.#transport.pickLocal(protocol, family, target);
  }

  /**
   * Resolves a SIP URI to a destination with a local listening point. Falls
   * back to another protocol only when none was requested explicitly.
   * Rejects with PBX_ERR_SIP_NO_TRANSPORT (map to `NOK requested
   * protocol/transport not available`) or PBX_ERR_SIP_RESOLVE.
   */
  async resolve(target: string | SipUri): Promise<Destination> {
    const r = await resolveTarget(target, this.#resolver);
    const family = ipFamily(r.address) === 6 ? 6 : 4;
    let protocol = r.protocol;
    let local = this.#transport.pickLocal(protocol, family, r.address);
    if (!local && !r.explicitProtocol) {
      protocol = protocol === 'udp' ? 'tcp' : 'udp';
      local = this.#transport.pickLocal(protocol, family, r.address);
    }
    if (!local) throw new PBX_ERR_SIP_NO_TRANSPORT(`${r.protocol}/IPv${family}`);
    return { protocol, address: r.address, port: r.port, local };
  }

  /**
   * Starts a client transaction. The Via is completed (sent-by of the chosen
   * listening point, a new `z9hG4bK` branch, `rport` — RFC 3581 §3) when the
   * request has none; a Via without branch gets one. Without `destination`
   * the next hop is the first Route (loose routing, §8.1.2) or the
   * Request-URI. Sending happens asynchronously: attach listeners right away.
   */
  sendRequest(req: SipRequest, opts: { destination?: Destination } = {}): ClientTransaction {
    this.#assertStarted();
    const prepared = this.#prepareVia(req);
    const id = clientTransactionKey(prepared.branch, req.method);
    const txn = new ClientTransaction(id, prepared.branch, req, this.#ctx);
    this.#client.set(id, txn);
    const go = (dest: Destination) => {
      if (txn.state === 'terminated') return;
      try {
        this.#completeVia(req, prepared, dest);
      } catch (err) {
        return txn.fail(err as Error);
      }
      txn.start(dest);
    };
    if (opts.destination) {
      const dest = opts.destination;
      queueMicrotask(() => go(dest));
    } else {
      this.resolve(nextHopUri(req)).then(go, (err: Error) => txn.fail(err));
    }
    return txn;
  }

  /**
   * Sends a message outside any transaction: ACK for 2xx (new branch when it
   * has no Via), 2xx retransmissions, responses relayed by a proxy. Requests
   * without destination go to the next hop; responses to the top Via
   * (§18.2.2 with RFC 3581 received/rport).
   */
  async sendStateless(msg: SipMessage, destination?: Destination): Promise<SentInfo> {
    this.#assertStarted();
    let dest = destination;
    if (msg.isRequest) {
      const req = msg as SipRequest;
      dest ??= await this.resolve(nextHopUri(req));
      this.#completeVia(req, this.#prepareVia(req), dest);
    } else dest ??= this.responseDestination(msg as SipResponse);
    const data = msg.toBuffer();
    return new Promise((resolve, reject) => {
      this.#send(data, dest!, (err, info) => (err ? reject(err) : resolve(info!)));
    });
  }

  /**
   * Where a response goes per RFC 3261 §18.2.2 and RFC 3581 §4: `received`
   * (or sent-by host; `maddr` if present) and `rport` (or sent-by port / 5060);
   * over TCP an open connection to that endpoint is reused.
   */
  responseDestination(res: SipResponse): Destination {
    const via = parseVia(res.get('via') ?? '');
    const protocol: TransportProtocol = via.protocol === 'UDP' ? 'udp' : 'tcp';
    const address = via.params.maddr ?? via.received ?? via.host;
    const port = typeof via.rport === 'number' ? via.rport : (via.port ?? 5060);
    const dest: Destination = { protocol, address, port };
    const conn = protocol === 'tcp' ? this.#transport.findConnection(address, port) : undefined;
    if (conn) dest.connection = conn;
    return dest;
  }

  /** Routes later requests for `key` (e.g. `user@host` of a Contact registered over TCP) over `connection`. */
  aliasConnection(key: string, connection: SipConnection): void {
    this.#transport.aliasConnection(key, connection);
  }

  /** The connection aliased under `key`, if still open. */
  findAlias(key: string): SipConnection | undefined {
    return this.#transport.findAlias(key);
  }

  /**
   * Server transaction by id (for tests and diagnostics); a finished UDP one
   * held as a compact record is returned only while it has listeners (see
   * `serverTransactionRecords` in {@link stats}).
   */
  serverTransaction(id: string): ServerTransaction | undefined {
    const t = this.#server.get(id);
    return t instanceof ServerTxnRecord ? t.txn : t;
  }

  /** Client transaction by id. */
  clientTransaction(id: string): ClientTransaction | undefined {
    return this.#client.get(id);
  }

  stats(): SipStackStats {
    return {
      ...this.#stats,
      serverTransactions: this.#server.size,
      serverTransactionRecords: this.#server.recordCount,
      serverTransactionsRetired: this.#server.retired,
      serverRecordsExpired: this.#server.expired,
      clientTransactions: this.#client.size,
      connections: this.#transport.connectionCount,
      aliases: this.#transport.aliasCount,
      tcpMessageTimeouts: this.#transport.rejections.messageTimeout,
      tcpConnectionsRefused: this.#transport.rejections.perAddressCap,
    };
  }

  #assertStarted(): void {
    if (this.#state !== 'started') throw new PBX_ERR_SIP_STACK_STATE(`not started (${this.#state})`);
  }

  #send(data: Buffer, dest: Destination, cb: (err: Error | undefined, info?: SentInfo) => void): void {
    // 'S' of "SIP/2.0 ..." marks a response; methods never start with "SIP/".
    if (data[0] === 0x53 && data[1] === 0x49 && data[2] === 0x50 && data[3] === 0x2f) this.#stats.responsesOut++;
    else this.#stats.requestsOut++;
    this.#transport.send(data, dest, cb);
  }

  #prepareVia(req: SipRequest): { branch: string; via?: Via } {
    const top = req.get('via');
    if (top === undefined) return { branch: newBranch() };
    const via = parseVia(top);
    if (via.branch) return { branch: via.branch, via };
    const branch = newBranch();
    req.setFirst('via', `${top};branch=${branch}`);
    via.branch = branch;
    return { branch, via };
  }

  #completeVia(req: SipRequest, prepared: { branch: string; via?: Via }, dest: Destination): void {
    if (prepared.via) return;
    const family = ipFamily(dest.address) === 6 ? 6 : 4;
    const local = dest.local ?? this.#transport.pickLocal(dest.protocol, family, dest.address);
    if (!local) throw new PBX_ERR_SIP_NO_TRANSPORT(`${dest.protocol}/IPv${family}`);
    dest.local = local;
    const sentBy = formatHostPort(local.advertisedHost, local.port);
    req.prepend('Via', `SIP/2.0/${dest.protocol.toUpperCase()} ${sentBy};branch=${prepared.branch};rport`);
    prepared.via = parseVia(req.get('via')!);
  }

  #onMessage(data: Buffer, source: MessageSource): void {
    let msg: SipMessage;
    try {
      msg = parseMessage(data, { stream: source.protocol !== 'udp' });
    } catch (err) {
      this.#onParseError(err as Error, source);
      return;
    }
    if (msg.isRequest) {
      this.#stats.requestsIn++;
      this.#onRequest(msg as SipRequest, source);
    } else {
      this.#stats.responsesIn++;
      this.#onResponse(msg as SipResponse, source);
    }
  }

  #onParseError(err: Error, source: MessageSource): void {
    this.#stats.parseErrors++;
    safeEmit(this, this.#logger, 'parse-error', err, source);
    if (!(err instanceof SipParseError) || !err.answerable || !err.partial) return;
    // §18.2.1 / RFC 3581: answer to the packet source.
    const res = makeResponse(err.partial, err.status, err.reason, { toTag: true });
    this.#sendTo(res, source);
  }

  #onFramingError(reason: string, data: Buffer | undefined, source: MessageSource): void {
    this.#stats.parseErrors++;
    safeEmit(this, this.#logger, 'parse-error', new SipParseError(reason), source);
    if (!data) return;
    // Answer 400 if the header section reveals an answerable request (RFC 3261 §18.3).
    let partial: SipMessage | undefined;
    try {
      const m = parseMessage(data);
      if (m.isRequest && (m as SipRequest).method !== 'ACK') partial = m;
    } catch (err) {
      if (err instanceof SipParseError && err.answerable) partial = err.partial;
    }
    if (partial) this.#sendTo(makeResponse(partial, 400, reason, { toTag: true }), source);
  }

  #sendTo(res: SipResponse, source: MessageSource): void {
    const dest: Destination = { protocol: source.protocol, address: source.address, port: source.port, local: source.local };
    if (source.connection) dest.connection = source.connection;
    this.#send(res.toBuffer(), dest, (err) => {
      if (err) this.#logger.debug({ err }, 'stateless response not sent');
    });
  }

  /**
   * §17.1.4: a client transaction whose connection dies before a final
   * response learns it as a transport error (the TU answers 503, §8.1.3.1).
   */
  #onConnectionClosed(conn: SipConnection): void {
    for (const txn of [...this.#client.values()]) {
      if (txn.destination?.connection === conn && txn.lastStatus < 200) {
        txn.fail(new PBX_ERR_SIP_TRANSPORT(`connection to ${conn.remoteAddress}:${conn.remotePort} closed`));
      }
    }
  }

  #onRequest(req: SipRequest, source: MessageSource): void {
    // Parsed once by the parser's validation; when stampVia edits it, it also rewrites the header (dropping the cache).
    const via = req.topVia();
    stampVia(req, via, source);
    const method = req.method;
    if (method === 'ACK') {
      const txn = this.#server.get(serverTransactionKey(req, via));
      // A record is an accepted INVITE (RFC 6026 §7.1): its ACKs belong to the TU.
      if (txn instanceof ServerTransaction && txn.receiveAck()) return;
      safeEmit(this, this.#logger, 'ack', req, source);
      return;
    }
    const key = serverTransactionKey(req, via);
    const existing = this.#server.get(key);
    if (existing) {
      this.#stats.retransmissionsIn++;
      if (existing instanceof ServerTxnRecord) this.#server.resend(existing);
      else existing.receiveRetransmission();
      return;
    }
    const txn = new ServerTransaction(key, req, source, this.#ctx);
    this.#server.add(txn);
    if (method === 'CANCEL') {
      // §9.2: the CANCEL matches the INVITE transaction with the same key but method INVITE.
      const inviteKey = serverTransactionKey(req, via, 'INVITE');
      const invite = this.#server.get(inviteKey);
      if (this.listenerCount('cancel') === 0) {
        txn.respond(makeResponse(req, invite ? 200 : 481, undefined, { toTag: true }));
        return;
      }
      // An INVITE held as a record has sent its 2xx: only its key is left to match on.
      const inviteTxn = invite instanceof ServerTxnRecord ? invite.txn : invite;
      safeEmit(this, this.#logger, 'cancel', req, txn, inviteTxn, invite ? inviteKey : undefined);
      return;
    }
    if (method === 'INVITE' && this.options.autoTrying) txn.respond(makeResponse(req, 100));
    if (this.listenerCount('request') === 0) {
      txn.respond(makeResponse(req, 503, undefined, { toTag: true }));
      return;
    }
    safeEmit(this, this.#logger, 'request', req, txn);
  }

  #onResponse(res: SipResponse, source: MessageSource): void {
    const via = res.topVia();
    const cseq = (res.get('cseq') ?? '').trim().split(/\s+/);
    const txn = via.branch ? this.#client.get(clientTransactionKey(via.branch, cseq[1] ?? '')) : undefined;
    if (txn) txn.receiveResponse(res);
    else safeEmit(this, this.#logger, 'stray-response', res, source);
  }
}
