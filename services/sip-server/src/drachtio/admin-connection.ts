import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { FrameDecoder } from './frame-decoder.js';
import { encodeFrame } from './frame-encoder.js';

let nextConnectionId = 1;

/** Lifecycle of an admin connection. */
export enum AdminConnectionState {
  /** Connected, `authenticate` not yet accepted. */
  Connected = 'connected',
  Authenticated = 'authenticated',
  Closed = 'closed',
}

/**
 * One application's TCP connection to the admin port. Owns the frame decoder
 * and writes frames; never writes after close (docs/drachtio-protocol.md, conformance 11).
 */
export class AdminConnection {
  /** Process-unique id (for logs and maps). */
  readonly id = nextConnectionId++;
  readonly decoder = new FrameDecoder();
  state: AdminConnectionState = AdminConnectionState.Connected;
  /** Tags announced in `authenticate` (docs/drachtio-protocol.md §2.1). */
  tags: string[] = [];
  /** Verbs this connection routed (lower-case). */
  readonly verbs = new Set<string>();
  /** Closes the connection if it has not authenticated in time (set by the admin server). */
  authTimer: NodeJS.Timeout | undefined;

  constructor(readonly socket: Socket) {}

  get remote(): string {
    return `${this.socket.remoteAddress}:${this.socket.remotePort}`;
  }

  get isOpen(): boolean {
    return this.state !== AdminConnectionState.Closed && !this.socket.destroyed;
  }

  /** Writes one frame; returns false (and drops it) when the connection is gone. */
  send(leader: string, sip?: Buffer): boolean {
    if (!this.isOpen) return false;
    if (!this.#corked) {
      // Frames written in one tick leave in one syscall (cheaper under load).
      this.#corked = true;
      this.socket.cork();
      process.nextTick(this.#uncork);
    }
    this.socket.write(encodeFrame(leader, sip));
    return true;
  }

  #corked = false;
  #uncork = (): void => {
    this.#corked = false;
    this.socket.uncork();
  };

  /** `<uuid>|response|<appMsgId>|<rest>` (docs/drachtio-protocol.md §3.8). */
  respond(appMsgId: string, rest: string, sip?: Buffer): boolean {
    return this.send(`${randomUUID()}|response|${appMsgId}|${rest}`, sip);
  }

  /** Flushes what was written, then closes. */
  close(): void {
    if (this.state === AdminConnectionState.Closed) return;
    this.state = AdminConnectionState.Closed;
    this.socket.end();
    // A peer that never reads must not keep the socket alive forever.
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }
}
