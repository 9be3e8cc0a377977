/**
 * All listening points and connections of the stack (RFC 3261 §18): UDP
 * sockets, TCP listeners, a pool of TCP connections keyed by remote
 * endpoint (reused for both directions, §18.2.2 / RFC 5923 spirit) and
 * connection aliases (a Contact registered over TCP → its connection).
 */
import { type Socket as UdpSocket, createSocket } from 'node:dgram';
import { type LookupOptions, lookup } from 'node:dns';
import { type Server, type Socket, connect, createServer, isIP } from 'node:net';
import { PBX_ERR_SIP_NO_TRANSPORT, PBX_ERR_SIP_OPTIONS, PBX_ERR_SIP_TRANSPORT } from '../sip/errors.js';
import type { StackLogger } from '../stack-logger.js';
import { endpointKey, ipFamily, isLoopback, isWildcard, primaryAddress, unmapAddress } from './address-utils.js';
import { TcpConnection } from './tcp-connection.js';
import type {
  BoundContact,
  Destination,
  ListenContact,
  MessageSource,
  SentInfo,
  SipConnection,
  TransportProtocol,
} from './transport-types.js';

export interface TransportHandlers {
  /** A datagram or a framed TCP message arrived. */
  message(data: Buffer, source: MessageSource): void;
  /** A TCP stream could not be framed; `data` is the header section when known. The connection closes afterwards. */
  framingError(reason: string, data: Buffer | undefined, source: MessageSource): void;
  /** A TCP connection closed (either side). */
  connectionClosed(connection: SipConnection): void;
}

export interface TransportOptions {
  maxMessageBytes: number;
  tcpIdleTimeout: number;
  /** Deadline for a complete message from its first byte (ms); 0 disables. */
  tcpMessageTimeout: number;
  /** Concurrent incoming connections per source address; 0 disables the cap. */
  tcpMaxConnectionsPerAddress: number;
  logger: StackLogger;
}

interface UdpPoint {
  contact: BoundContact;
  socket: UdpSocket;
}

interface TcpPoint {
  contact: BoundContact;
  server: Server;
}

export class TransportLayer {
  #udp: UdpPoint[] = [];
  #tcp: TcpPoint[] = [];
  #bound: BoundContact[] = [];
  /** Open connections by remote endpoint. */
  #pool = new Map<string, TcpConnection>();
  #connections = new Set<TcpConnection>();
  #aliases = new Map<string, TcpConnection>();
  #connLocal = new WeakMap<TcpConnection, BoundContact>();
  /** Open incoming connections per remote address (for the per-address cap). */
  #incomingByAddress = new Map<string, number>();
  /** Monotonic totals of connections closed or refused by the TCP limits. */
  readonly rejections = { messageTimeout: 0, perAddressCap: 0 };
  readonly #contacts: ReadonlyArray<ListenContact>;
  readonly #opts: TransportOptions;
  readonly #handlers: TransportHandlers;

  constructor(contacts: ReadonlyArray<ListenContact>, opts: TransportOptions, handlers: TransportHandlers) {
    for (const c of contacts) {
      if (c.protocol !== 'udp' && c.protocol !== 'tcp') throw new PBX_ERR_SIP_OPTIONS(`unsupported protocol ${c.protocol}`);
      if (!isWildcard(c.host) && ipFamily(c.host) === 0) throw new PBX_ERR_SIP_OPTIONS(`bind host must be an IP: ${c.host}`);
      if (!Number.isInteger(c.port) || c.port < 0 || c.port > 65535) throw new PBX_ERR_SIP_OPTIONS(`bad port ${c.port}`);
    }
    this.#contacts = contacts;
    this.#opts = opts;
    this.#handlers = handlers;
  }

  /** Binds every contact; rejects (after closing what was opened) if one fails. */
  async start(): Promise<BoundContact[]> {
    try {
      for (const [i, c] of this.#contacts.entries()) {
        const host = c.host === '*' || c.host === '' ? '0.0.0.0' : stripBrackets(c.host);
        const family = ipFamily(host) === 6 ? 6 : 4;
        if (c.protocol === 'udp') await this.#bindUdp(i, c, host, family);
        else await this.#bindTcp(i, c, host, family);
      }
    } catch (err) {
      await this.stop();
      throw err;
    }
    return this.#bound;
  }

  async stop(): Promise<void> {
    for (const conn of this.#connections) conn.destroy();
    this.#connections.clear();
    this.#pool.clear();
    this.#aliases.clear();
    this.#incomingByAddress.clear();
    await Promise.all([
      ...this.#udp.map((p) => new Promise<void>((r) => p.socket.close(() => r()))),
      ...this.#tcp.map((p) => new Promise<void>((r) => p.server.close(() => r()))),
    ]);
    this.#udp = [];
    this.#tcp = [];
    this.#bound = [];
  }

  contacts(): readonly BoundContact[] {
    return this.#bound;
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  get aliasCount(): number {
    return this.#aliases.size;
  }

  /**
   * A listening point for `protocol` and IP family: an exact family match
   * first (a dual-stack `::` bind also serves IPv4). With `target`, a
   * loopback target prefers a loopback/wildcard bind and any other target
   * avoids loopback-only binds (they cannot reach it).
   */
  pickLocal(protocol: TransportProtocol, family: 4 | 6, target?: string): BoundContact | undefined {
    let best: BoundContact | undefined;
    let bestScore = -1;
    const loopTarget = target !== undefined && isLoopback(target);
    for (const c of this.#bound) {
      if (c.protocol !== protocol) continue;
      let score: number;
      if (c.family === family) score = 4;
      else if (family === 4 && c.host === '::') score = 2;
      else continue;
      if (target !== undefined) {
        const loopBind = isLoopback(c.host);
        if (loopTarget ? loopBind || isWildcard(c.host) : !loopBind) score += 1;
        else if (!loopTarget && loopBind) score -= 1;
      }
      if (score > bestScore) {
        best = c;
        bestScore = score;
      }
    }
    return best;
  }

  /** Makes `key` (e.g. a registered Contact's user@host) reach `connection` until it closes. */
  aliasConnection(key: string, connection: SipConnection): void {
    if (connection instanceof TcpConnection && this.#connections.has(connection) && !connection.closed) {
      this.#aliases.set(key, connection);
    }
  }

  findAlias(key: string): SipConnection | undefined {
    const c = this.#aliases.get(key);
    return c && !c.closed ? c : undefined;
  }

  /** An open connection to the endpoint, if any. */
  findConnection(address: string, port: number): SipConnection | undefined {
    const c = this.#pool.get(endpointKey(address, port));
    return c && !c.closed ? c : undefined;
  }

  /** Sends bytes; `cb` reports failure or what was sent. */
  send(data: Buffer, dest: Destination, cb: (err: Error | undefined, info?: SentInfo) => void): void {
    if (dest.protocol === 'udp') this.#sendUdp(data, dest, cb);
    else this.#sendTcp(data, dest, cb);
  }

  #sendUdp(data: Buffer, dest: Destination, cb: (err: Error | undefined, info?: SentInfo) => void): void {
    const family = ipFamily(dest.address) === 6 ? 6 : 4;
    const local = dest.local?.protocol === 'udp' ? dest.local : this.pickLocal('udp', family, dest.address);
    const point = local && this.#udp.find((p) => p.contact === local);
    if (!point || !local) {
      cb(new PBX_ERR_SIP_NO_TRANSPORT(`udp/IPv${family}`));
      return;
    }
    try {
      point.socket.send(data, dest.port, dest.address, (err) => {
        if (err) cb(new PBX_ERR_SIP_TRANSPORT(`${err.message} (udp ${dest.address}:${dest.port})`, err));
        else cb(undefined, { data, destination: dest, local });
      });
    } catch (err) {
      // dgram throws synchronously on a bad port/address; report it like any send failure.
      cb(new PBX_ERR_SIP_TRANSPORT(`${(err as Error).message} (udp ${dest.address}:${dest.port})`, err as Error));
    }
  }

  #sendTcp(data: Buffer, dest: Destination, cb: (err: Error | undefined, info?: SentInfo) => void): void {
    let conn: TcpConnection | undefined;
    if (dest.connection && !dest.connection.closed && dest.connection instanceof TcpConnection) conn = dest.connection;
    conn ??= this.#pool.get(endpointKey(dest.address, dest.port));
    if (conn?.closed) conn = undefined;
    const family = ipFamily(dest.address) === 6 ? 6 : 4;
    if (!conn) {
      const local = dest.local?.protocol === 'tcp' ? dest.local : this.pickLocal('tcp', family, dest.address);
      if (!local) {
        cb(new PBX_ERR_SIP_NO_TRANSPORT(`tcp/IPv${family}`));
        return;
      }
      try {
        conn = this.#connect(dest.address, dest.port, local);
      } catch (err) {
        // net.connect throws synchronously on an invalid port.
        cb(new PBX_ERR_SIP_TRANSPORT(`${(err as Error).message} (tcp ${dest.address}:${dest.port})`, err as Error));
        return;
      }
    }
    const c = conn;
    const local = this.#connLocal.get(c)!;
    c.sendWithCallback(data, (err) => {
      if (err) cb(new PBX_ERR_SIP_TRANSPORT(`${err.message} (tcp ${dest.address}:${dest.port})`, err));
      else cb(undefined, { data, destination: dest, local, connection: c });
    });
  }

  #connect(address: string, port: number, local: BoundContact): TcpConnection {
    const socket = connect({ host: address, port });
    return this.#adopt(socket, true, address, port, local);
  }

  #adopt(socket: Socket, outgoing: boolean, address: string, port: number, local: BoundContact): TcpConnection {
    const conn = new TcpConnection(
      socket,
      {
        outgoing,
        remoteAddress: address,
        remotePort: port,
        maxMessageBytes: this.#opts.maxMessageBytes,
        idleTimeout: this.#opts.tcpIdleTimeout,
        messageTimeout: this.#opts.tcpMessageTimeout,
      },
      {
        message: (data, c) => this.#handlers.message(data, this.#sourceOf(c)),
        framingError: (reason, data, c) => this.#handlers.framingError(reason, data, this.#sourceOf(c)),
        closed: (c) => {
          this.#forget(c);
          this.#handlers.connectionClosed(c);
        },
        // A connection a registered Contact is aliased to stays open while idle (docs/drachtio-protocol.md §4.4).
        idle: (c) => ![...this.#aliases.values()].includes(c),
        messageTimeout: (c, buffered) => {
          this.rejections.messageTimeout++;
          this.#opts.logger.warn(
            { code: 'PBX_ERR_SIP_TCP_MESSAGE_TIMEOUT', remote: `${c.remoteAddress}:${c.remotePort}`, buffered },
            'tcp message not complete in time; closing the connection',
          );
        },
      },
    );
    this.#connLocal.set(conn, local);
    this.#connections.add(conn);
    this.#pool.set(endpointKey(address, port), conn);
    return conn;
  }

  #sourceOf(c: TcpConnection): MessageSource {
    return {
      protocol: 'tcp',
      address: c.remoteAddress,
      port: c.remotePort,
      local: this.#connLocal.get(c)!,
      connection: c,
    };
  }

  #forget(c: TcpConnection): void {
    if (!this.#connections.delete(c)) return;
    if (!c.outgoing) {
      const n = (this.#incomingByAddress.get(c.remoteAddress) ?? 1) - 1;
      if (n > 0) this.#incomingByAddress.set(c.remoteAddress, n);
      else this.#incomingByAddress.delete(c.remoteAddress);
    }
    const key = endpointKey(c.remoteAddress, c.remotePort);
    if (this.#pool.get(key) === c) this.#pool.delete(key);
    for (const [k, v] of this.#aliases) if (v === c) this.#aliases.delete(k);
  }

  async #bindUdp(i: number, c: ListenContact, host: string, family: 4 | 6): Promise<void> {
    const socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4', lookup: literalLookup });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(c.port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    try {
      // Bursts at high call rates overflow the default receive buffer.
      socket.setRecvBufferSize(4 * 1024 * 1024);
      socket.setSendBufferSize(4 * 1024 * 1024);
    } catch {
      // best effort: the kernel may cap it
    }
    const contact = this.#makeContact(i, c, host, family, socket.address().port);
    socket.on('error', (err) => this.#opts.logger.warn({ err, contact: contact.id }, 'udp socket error'));
    socket.on('message', (data, rinfo) => {
      this.#handlers.message(data, {
        protocol: 'udp',
        address: unmapAddress(rinfo.address),
        port: rinfo.port,
        local: contact,
      });
    });
    this.#udp.push({ contact, socket });
    this.#bound.push(contact);
  }

  async #bindTcp(i: number, c: ListenContact, host: string, family: 4 | 6): Promise<void> {
    let contact: BoundContact | undefined;
    const server = createServer((socket) => {
      if (!contact) return socket.destroy();
      const address = unmapAddress(socket.remoteAddress ?? '');
      const open = this.#incomingByAddress.get(address) ?? 0;
      const cap = this.#opts.tcpMaxConnectionsPerAddress;
      if (cap > 0 && open >= cap) {
        // One source must not exhaust descriptors for everyone (a flood, or slow senders).
        this.rejections.perAddressCap++;
        if (this.rejections.perAddressCap === 1 || this.rejections.perAddressCap % 1000 === 0) {
          this.#opts.logger.warn(
            { code: 'PBX_ERR_SIP_TCP_ADDRESS_CAP', remote: address, cap, refused: this.rejections.perAddressCap },
            'too many tcp connections from one address; refusing',
          );
        }
        socket.destroy();
        return;
      }
      this.#incomingByAddress.set(address, open + 1);
      this.#adopt(socket, false, address, socket.remotePort ?? 0, contact);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: c.port, host, ipv6Only: false }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : c.port;
    contact = this.#makeContact(i, c, host, family, port);
    server.on('error', (err) => this.#opts.logger.warn({ err, contact: contact?.id }, 'tcp listener error'));
    this.#tcp.push({ contact, server });
    this.#bound.push(contact);
  }

  #makeContact(i: number, c: ListenContact, host: string, family: 4 | 6, port: number): BoundContact {
    const advertisedHost = c.external ?? (isWildcard(host) ? primaryAddress(family) : host);
    const contact: BoundContact = {
      id: `${c.protocol}-${i}`,
      protocol: c.protocol,
      host,
      port,
      family,
      advertisedHost,
      ...(c.external !== undefined ? { external: c.external } : {}),
    };
    return Object.freeze(contact);
  }
}

function stripBrackets(h: string): string {
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

/**
 * dgram resolves every destination with dns.lookup (a nextTick round trip even
 * for IP literals); destinations here are almost always literals, so answer
 * them at once and defer to dns.lookup only for names.
 */
function literalLookup(
  host: string,
  options: LookupOptions | number,
  cb: (err: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  const family = isIP(host);
  if (family !== 0) {
    cb(null, host, family);
    return;
  }
  lookup(host, typeof options === 'number' ? { family: options } : options, (err, address, fam) =>
    cb(err, address as string, fam as number),
  );
}
