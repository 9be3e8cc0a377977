/**
 * One SIP-over-TCP connection (RFC 3261 §18.3): frames the byte stream,
 * answers CRLFCRLF keep-alives with CRLF (RFC 5626 §3.5.1) and queues writes
 * until an outgoing connect completes.
 */
import type { Socket } from 'node:net';
import { SipStreamFramer } from '../sip/stream-framer.js';
import { unmapAddress } from './address-utils.js';
import type { SipConnection } from './transport-types.js';

export interface TcpConnectionHandlers {
  message(data: Buffer, conn: TcpConnection): void;
  /** Framing failed; the connection is closed right after this returns. */
  framingError(reason: string, data: Buffer | undefined, conn: TcpConnection): void;
  closed(conn: TcpConnection): void;
  /** The idle timeout elapsed; return true to close the connection. */
  idle(conn: TcpConnection): boolean;
  /** A message was still incomplete `messageTimeout` ms after its first byte; the connection is destroyed right after. */
  messageTimeout(conn: TcpConnection, bufferedBytes: number): void;
}

let nextId = 1;
const CRLF = Buffer.from('\r\n');

export class TcpConnection implements SipConnection {
  readonly id: string;
  readonly protocol = 'tcp' as const;
  readonly outgoing: boolean;
  remoteAddress: string;
  remotePort: number;
  localAddress = '';
  localPort = 0;
  #closed = false;
  #connected: boolean;
  #queue: Buffer[] = [];
  #pendingCallbacks: Array<(err?: Error) => void> = [];
  readonly #socket: Socket;
  readonly #framer: SipStreamFramer;
  readonly #handlers: TcpConnectionHandlers;
  readonly #messageTimeout: number;
  /** Armed while a message is partially received. */
  #messageTimer: NodeJS.Timeout | undefined;

  constructor(
    socket: Socket,
    opts: {
      outgoing: boolean;
      remoteAddress: string;
      remotePort: number;
      maxMessageBytes: number;
      idleTimeout: number;
      /** Deadline for a complete message from its first byte (ms); 0 disables. */
      messageTimeout: number;
    },
    handlers: TcpConnectionHandlers,
  ) {
    this.id = `tcp-${nextId++}`;
    this.#socket = socket;
    this.outgoing = opts.outgoing;
    this.remoteAddress = opts.remoteAddress;
    this.remotePort = opts.remotePort;
    this.#connected = !opts.outgoing;
    this.#handlers = handlers;
    this.#messageTimeout = opts.messageTimeout;
    this.#framer = new SipStreamFramer({ maxMessageBytes: opts.maxMessageBytes });
    socket.setNoDelay(true);
    if (opts.idleTimeout > 0) {
      socket.setTimeout(opts.idleTimeout, () => {
        if (handlers.idle(this)) this.close();
      });
    }
    if (this.#connected) this.#fillLocal();
    else
      socket.once('connect', () => {
        this.#connected = true;
        this.#fillLocal();
        const q = this.#queue;
        const cbs = this.#pendingCallbacks;
        this.#queue = [];
        this.#pendingCallbacks = [];
        for (const b of q) socket.write(b);
        for (const cb of cbs) cb();
      });
    socket.on('data', this.#onData);
    socket.on('error', () => {
      // 'close' follows; pending senders learn about the failure there.
    });
    socket.on('close', () => this.#onClose());
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Writes (or queues while connecting); false if closed. */
  send(data: Buffer): boolean {
    if (this.#closed) return false;
    if (this.#connected) this.#socket.write(data);
    else this.#queue.push(data);
    return true;
  }

  /** Like send, but `cb` runs when the write was handed to the socket or failed. */
  sendWithCallback(data: Buffer, cb: (err?: Error) => void): void {
    if (this.#closed) {
      cb(new Error('connection closed'));
      return;
    }
    if (this.#connected) {
      this.#socket.write(data);
      cb();
    } else {
      this.#queue.push(data);
      this.#pendingCallbacks.push(cb);
    }
  }

  close(): void {
    if (this.#closed) return;
    // Still connecting: nothing worth flushing.
    if (!this.#connected) {
      this.#socket.destroy();
      return;
    }
    // Flush what is queued (e.g. a 400), then release the socket.
    this.#socket.end(() => this.#socket.destroy());
  }

  /** Forcefully destroys the socket (stack shutdown). */
  destroy(): void {
    this.#socket.destroy();
  }

  #fillLocal(): void {
    this.localAddress = unmapAddress(this.#socket.localAddress ?? '');
    this.localPort = this.#socket.localPort ?? 0;
    if (this.#socket.remoteAddress) this.remoteAddress = unmapAddress(this.#socket.remoteAddress);
    if (this.#socket.remotePort) this.remotePort = this.#socket.remotePort;
  }

  #onData = (chunk: Buffer): void => {
    let completed = false;
    for (const item of this.#framer.push(chunk)) {
      if (item.kind === 'message') {
        completed = true;
        this.#handlers.message(item.data, this);
      } else if (item.kind === 'ping') this.send(CRLF);
      else {
        this.#stopMessageTimer();
        this.#handlers.framingError(item.reason, item.data, this);
        this.close();
        return;
      }
    }
    if (this.#messageTimeout <= 0) return;
    if (this.#framer.pending === 0) this.#stopMessageTimer();
    else if (completed || this.#messageTimer === undefined) {
      // The bytes left over begin a new message: its clock starts now.
      this.#stopMessageTimer();
      this.#messageTimer = setTimeout(this.#onMessageTimeout, this.#messageTimeout);
      this.#messageTimer.unref();
    }
  };

  #onMessageTimeout = (): void => {
    this.#messageTimer = undefined;
    if (this.#closed) return;
    this.#handlers.messageTimeout(this, this.#framer.pending);
    this.#socket.destroy();
  };

  #stopMessageTimer(): void {
    if (this.#messageTimer === undefined) return;
    clearTimeout(this.#messageTimer);
    this.#messageTimer = undefined;
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopMessageTimer();
    const cbs = this.#pendingCallbacks;
    this.#pendingCallbacks = [];
    this.#queue = [];
    for (const cb of cbs) cb(new Error(`connection to ${this.remoteAddress}:${this.remotePort} failed`));
    this.#handlers.closed(this);
  }
}
