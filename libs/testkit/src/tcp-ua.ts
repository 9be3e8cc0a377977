import { type Server, type Socket, connect, createServer } from 'node:net';
import { SipInbox } from './sip-inbox.js';
import { sipText } from './sip-text.js';
import type { SipParse, TestSipMessage, TestSipRequest, TestSipResponse } from './test-sip-message.js';

/** Splits a byte stream into SIP messages (RFC 3261 §18.3); `message` items are parsed, others ignored. */
export interface TestStreamFramer {
  push(data: Buffer): Iterable<{ kind: string; data?: Buffer }>;
}

/** Options of {@link TcpUa.open}. */
export interface TcpUaOptions<M extends TestSipMessage> {
  /** Parses each framed message; one that throws is ignored. */
  parse: SipParse<M>;
  /** A fresh framer per connection. */
  framer: () => TestStreamFramer;
}

/** A scripted SIP UA over TCP for tests: listens, can dial, answers on the socket it last heard from. */
/**
 * `M` is what the parser yields; `Q` / `R` what {@link TcpUa.request} / {@link TcpUa.response} resolve with.
 */
export class TcpUa<M extends TestSipMessage = TestSipMessage, Q extends M = M & TestSipRequest, R extends M = M & TestSipResponse> {
  readonly #inbox: SipInbox<M, Q, R>;
  readonly #options: TcpUaOptions<M>;
  sockets: Socket[] = [];
  last: Socket | undefined;

  private constructor(
    readonly server: Server,
    readonly port: number,
    options: TcpUaOptions<M>,
  ) {
    this.#inbox = new SipInbox<M, Q, R>('TcpUa');
    this.#options = options;
  }

  /** Listens on an ephemeral port of 127.0.0.1. */
  static async open<M extends TestSipMessage, Q extends M = M & TestSipRequest, R extends M = M & TestSipResponse>(
    options: TcpUaOptions<M>,
  ): Promise<TcpUa<M, Q, R>> {
    let ua: TcpUa<M, Q, R> | undefined;
    const server = createServer((s) => ua?.attach(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    ua = new TcpUa<M, Q, R>(server, typeof addr === 'object' && addr ? addr.port : 0, options);
    return ua;
  }

  /** Received, not yet consumed messages. */
  get received(): M[] {
    return this.#inbox.received;
  }

  attach(s: Socket): void {
    this.sockets.push(s);
    this.last = s;
    const framer = this.#options.framer();
    s.on('error', () => {});
    s.on('data', (d: Buffer) => {
      this.last = s;
      for (const item of framer.push(d)) {
        if (item.kind !== 'message' || !item.data) continue;
        try {
          this.#inbox.received.push(this.#options.parse(item.data));
        } catch {
          /* ignore */
        }
      }
      this.#inbox.push();
    });
  }

  async dial(port: number): Promise<Socket> {
    const s = connect({ port, host: '127.0.0.1' });
    await new Promise<void>((r, j) => {
      s.once('connect', r);
      s.once('error', j);
    });
    this.attach(s);
    return s;
  }

  /** Local port of the last socket (for Via/Contact). */
  get localPort(): number {
    return this.last?.localPort ?? 0;
  }

  /** Sends SIP text (see {@link sipText}) on the last socket. */
  send(text: string, body = ''): void {
    this.last?.write(sipText(text, body));
  }

  next<T extends M = M>(pred: (m: M) => boolean, timeoutMs?: number): Promise<T> {
    return this.#inbox.next<T>(pred, timeoutMs);
  }

  response(status: number, method?: string): Promise<R> {
    return this.#inbox.response(status, method);
  }

  request(method: string): Promise<Q> {
    return this.#inbox.request(method);
  }

  close(): void {
    for (const s of this.sockets) s.destroy();
    this.server.close();
  }
}
