import { type Socket, createSocket } from 'node:dgram';
import { SipInbox } from './sip-inbox.js';
import { sipText } from './sip-text.js';
import type { SipParse, TestSipMessage, TestSipRequest, TestSipResponse } from './test-sip-message.js';

/** Options of {@link UdpUa.open}. */
export interface UdpUaOptions<M extends TestSipMessage> {
  /** Parses each datagram; one that throws is ignored. */
  parse: SipParse<M>;
  /** Address to bind and send to. @defaultValue '127.0.0.1' */
  host?: string;
}

/** A scripted SIP user agent on a UDP socket, for tests: sends text, waits for parsed messages. */
/**
 * `M` is what the parser yields; `Q` / `R` what {@link UdpUa.request} / {@link UdpUa.response} resolve with.
 */
export class UdpUa<M extends TestSipMessage = TestSipMessage, Q extends M = M & TestSipRequest, R extends M = M & TestSipResponse> {
  readonly #inbox: SipInbox<M, Q, R>;

  private constructor(
    readonly socket: Socket,
    readonly port: number,
    /** Address the UA is bound to and sends to. */
    readonly host: string,
    parse: SipParse<M>,
  ) {
    this.#inbox = new SipInbox<M, Q, R>('UdpUa');
    socket.on('message', (buf) => {
      let m: M | undefined;
      try {
        m = parse(buf);
      } catch {
        /* ignore garbage */
      }
      this.#inbox.push(m);
    });
  }

  /** Binds an ephemeral port on `host` (IPv6 when it has a `:`). */
  static async open<M extends TestSipMessage, Q extends M = M & TestSipRequest, R extends M = M & TestSipResponse>(
    options: UdpUaOptions<M>,
  ): Promise<UdpUa<M, Q, R>> {
    const host = options.host ?? '127.0.0.1';
    const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((r) => s.bind(0, host, r));
    return new UdpUa<M, Q, R>(s, s.address().port, host, options.parse);
  }

  /** Received, not yet consumed messages. */
  get received(): M[] {
    return this.#inbox.received;
  }

  /** Sends SIP text (see {@link sipText}). */
  send(text: string, port: number, body = ''): void {
    this.socket.send(Buffer.from(sipText(text, body)), port, this.host);
  }

  sendRaw(buf: Buffer, port: number): void {
    this.socket.send(buf, port, this.host);
  }

  next<T extends M = M>(pred: (m: M) => boolean, timeoutMs?: number): Promise<T> {
    return this.#inbox.next<T>(pred, timeoutMs);
  }

  response(status: number, method?: string, timeoutMs?: number): Promise<R> {
    return this.#inbox.response(status, method, timeoutMs);
  }

  request(method: string, timeoutMs?: number): Promise<Q> {
    return this.#inbox.request(method, timeoutMs);
  }

  /** Resolves true if nothing matching arrives within `ms`. */
  nothing(pred: (m: M) => boolean, ms: number): Promise<boolean> {
    return this.#inbox.nothing(pred, ms);
  }

  close(): void {
    this.socket.close();
  }
}
