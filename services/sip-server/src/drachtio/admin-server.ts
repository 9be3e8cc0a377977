import { EventEmitter } from 'node:events';
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import { AdminConnection, AdminConnectionState } from './admin-connection.js';
import { type AppFrame, parseAppFrame } from './app-frame.js';
import { PBX_ERR_DRACHTIO_AUTH_TIMEOUT } from './errors.js';
import { MAX_FRAME_BYTES } from './frame-decoder.js';
import { RouteTable } from './route-table.js';
import { DRACHTIO_VERSION } from './version.js';

/** What the admin server needs from its owner. */
export interface AdminServerOptions {
  address: string;
  port: number;
  secret: string;
  /** `proto/host:port,...` of the SIP transports (external addresses substituted). */
  hostports: () => string;
  /** Same with local addresses. */
  localHostports: () => string;
  /** Receives `sip` and `proxy` frames of authenticated connections. Throwing answers `NOK|<message>`. */
  onAppFrame: (conn: AdminConnection, frame: AppFrame) => void;
  /** Called once when a connection goes away (after it left every route). */
  onDisconnect?: (conn: AdminConnection) => void;
  /** The table `route` frames fill, when its owner builds it first (the server hands it to the drachtio layer). */
  routes?: RouteTable<AdminConnection>;
  /** Diagnostics for dropped connections. */
  onProtocolError?: (conn: AdminConnection, err: Error) => void;
  /**
   * Close a connection that has not authenticated after this many ms.
   * @defaultValue {@link DEFAULT_APP_AUTH_TIMEOUT_MS}
   */
  authTimeoutMs?: number;
  /**
   * Largest frame accepted before authentication: an `authenticate` frame is
   * about 100 bytes, so nothing big is buffered for a peer that has not proven it knows the secret.
   * @defaultValue {@link PRE_AUTH_MAX_FRAME_BYTES}
   */
  preAuthMaxFrameBytes?: number;
}

/** Production deadline to authenticate on the application port. */
export const DEFAULT_APP_AUTH_TIMEOUT_MS = 5000;
/** Frame size limit until a connection has authenticated. */
export const PRE_AUTH_MAX_FRAME_BYTES = 4096;

/** Admin connections closed before authenticating, by cause. */
export interface AdminRejections {
  /** No `authenticate` within the deadline. */
  authTimeout: number;
  /** A frame over the pre-authentication limit, or a malformed prefix, before authenticating. */
  preAuthFraming: number;
}

export type AdminServerEvents = {
  connection: [AdminConnection];
};

/**
 * The admin TCP listener speaking the drachtio application protocol
 * (inbound mode, docs/drachtio-protocol.md §2): authenticate, route/remove_route, ping; SIP
 * and proxy frames are passed to {@link AdminServerOptions.onAppFrame}.
 */
export class AdminServer extends EventEmitter<AdminServerEvents> {
  readonly routes: RouteTable<AdminConnection>;
  readonly connections = new Set<AdminConnection>();
  /** Monotonic totals of connections closed before they authenticated. */
  readonly rejections: AdminRejections = { authTimeout: 0, preAuthFraming: 0 };
  #server: Server | undefined;

  constructor(private readonly opts: AdminServerOptions) {
    super();
    this.routes = opts.routes ?? new RouteTable<AdminConnection>();
  }

  async listen(): Promise<AddressInfo> {
    const server = createServer((s) => this.#accept(s));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.address, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return server.address() as AddressInfo;
  }

  address(): AddressInfo | undefined {
    return (this.#server?.address() as AddressInfo | null) ?? undefined;
  }

  /** Stops listening and destroys every connection. */
  async close(): Promise<void> {
    for (const c of this.connections) {
      c.state = AdminConnectionState.Closed;
      c.socket.destroy();
    }
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #accept(socket: Socket): void {
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 45_000);
    const conn = new AdminConnection(socket);
    conn.decoder.maxFrameBytes = this.opts.preAuthMaxFrameBytes ?? PRE_AUTH_MAX_FRAME_BYTES;
    const authTimeoutMs = this.opts.authTimeoutMs ?? DEFAULT_APP_AUTH_TIMEOUT_MS;
    conn.authTimer = setTimeout(() => {
      if (conn.state !== AdminConnectionState.Connected) return;
      this.rejections.authTimeout++;
      this.opts.onProtocolError?.(conn, new PBX_ERR_DRACHTIO_AUTH_TIMEOUT(authTimeoutMs));
      conn.state = AdminConnectionState.Closed;
      socket.destroy();
    }, authTimeoutMs);
    conn.authTimer.unref();
    this.connections.add(conn);
    socket.on('data', (chunk: Buffer) => this.#onData(conn, chunk));
    socket.on('error', () => {
      /* reset by peer etc.: 'close' follows */
    });
    socket.on('close', () => this.#gone(conn));
    this.emit('connection', conn);
  }

  #gone(conn: AdminConnection): void {
    clearTimeout(conn.authTimer);
    if (!this.connections.delete(conn)) return;
    conn.state = AdminConnectionState.Closed;
    this.routes.removeConnection(conn);
    conn.verbs.clear();
    try {
      this.opts.onDisconnect?.(conn);
    } catch (err) {
      this.opts.onProtocolError?.(conn, err as Error);
    }
  }

  #onData(conn: AdminConnection, chunk: Buffer): void {
    if (!conn.isOpen) return;
    try {
      // Frames are handled as they are cut, so an `authenticate` raises the size limit
      // for the frames after it in the same read.
      conn.decoder.decode(chunk, (p) => {
        if (!conn.isOpen) return false;
        this.#onPayload(conn, p);
        return conn.isOpen;
      });
    } catch (err) {
      // docs/drachtio-protocol.md §1.2: a bad length prefix is fatal for this connection only.
      if (conn.state === AdminConnectionState.Connected) this.rejections.preAuthFraming++;
      this.opts.onProtocolError?.(conn, err as Error);
      conn.state = AdminConnectionState.Closed;
      conn.socket.destroy();
    }
  }

  #onPayload(conn: AdminConnection, payload: Buffer): void {
    let frame: AppFrame;
    try {
      frame = parseAppFrame(payload);
    } catch (err) {
      const id = payload.toString('utf8', 0, Math.min(payload.length, 64)).split('|')[0] ?? '';
      conn.respond(id.replace(/[\r\n]/g, ''), `NO|${(err as Error).message.replace(/^.*: /, '')}`);
      this.opts.onProtocolError?.(conn, err as Error);
      conn.close();
      return;
    }
    if (frame.type === 'authenticate') {
      this.#authenticate(conn, frame);
      return;
    }
    if (conn.state !== AdminConnectionState.Authenticated) {
      // docs/drachtio-protocol.md §8: the C++ server accepts this; we refuse unauthenticated traffic.
      conn.respond(frame.msgId, 'NO|authentication required');
      conn.close();
      return;
    }
    switch (frame.type) {
      case 'route':
      case 'remove_route': {
        const verb = (frame.tokens[2] ?? '').toLowerCase();
        if (verb === '') {
          conn.respond(frame.msgId, 'NO|Invalid message format');
          return;
        }
        if (frame.type === 'route') {
          conn.verbs.add(verb);
          this.routes.add(verb, conn);
        } else {
          conn.verbs.delete(verb);
          this.routes.remove(verb, conn);
        }
        conn.respond(frame.msgId, 'OK');
        return;
      }
      case 'ping':
        conn.respond(frame.msgId, 'OK|pong');
        return;
      default:
        try {
          this.opts.onAppFrame(conn, frame);
        } catch (err) {
          // A bug or bad input in one frame answers that frame only; the connection stays.
          this.opts.onProtocolError?.(conn, err as Error);
          conn.respond(frame.msgId, `NOK|${(err as Error).message.replace(/[\r\n|]/g, ' ')}`);
        }
    }
  }

  #authenticate(conn: AdminConnection, frame: AppFrame): void {
    if (frame.tokens[2] !== this.opts.secret) {
      conn.respond(frame.msgId, 'NO|incorrect secret');
      conn.close();
      return;
    }
    conn.state = AdminConnectionState.Authenticated;
    clearTimeout(conn.authTimer);
    conn.decoder.maxFrameBytes = MAX_FRAME_BYTES;
    const tags = frame.tokens[3] ?? '';
    conn.tags = tags === '' ? [] : tags.split(',');
    conn.respond(frame.msgId, `OK|${this.opts.hostports()}|${DRACHTIO_VERSION}|${this.opts.localHostports()}`);
  }
}
