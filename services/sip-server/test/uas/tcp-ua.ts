import { type Server, type Socket, connect, createServer } from 'node:net';
import { parseMessage } from '../../src/sip/parse-message.js';
import type { SipMessage } from '../../src/sip/sip-message.js';
import type { SipRequest } from '../../src/sip/sip-request.js';
import type { SipResponse } from '../../src/sip/sip-response.js';
import { SipStreamFramer } from '../../src/sip/stream-framer.js';

/** A scripted SIP UA over TCP for tests: listens, can dial, answers on the socket it last heard from. */
export class TcpUa {
  readonly received: SipMessage[] = [];
  sockets: Socket[] = [];
  last: Socket | undefined;
  #waiters: Array<() => void> = [];

  private constructor(
    readonly server: Server,
    readonly port: number,
  ) {}

  static async open(): Promise<TcpUa> {
    let ua: TcpUa | undefined;
    const server = createServer((s) => ua?.attach(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    ua = new TcpUa(server, typeof addr === 'object' && addr ? addr.port : 0);
    return ua;
  }

  attach(s: Socket): void {
    this.sockets.push(s);
    this.last = s;
    const framer = new SipStreamFramer();
    s.on('error', () => {});
    s.on('data', (d: Buffer) => {
      this.last = s;
      for (const item of framer.push(d)) {
        if (item.kind !== 'message') continue;
        try {
          this.received.push(parseMessage(item.data, { stream: true }));
        } catch {
          /* ignore */
        }
      }
      const w = this.#waiters;
      this.#waiters = [];
      for (const f of w) f();
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

  send(text: string, body = ''): void {
    const head = text.trim().split('\n').map((l) => l.trim()).join('\r\n');
    this.last?.write(`${head}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }

  async next<T extends SipMessage = SipMessage>(pred: (m: SipMessage) => boolean, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.received.findIndex(pred);
      if (i >= 0) return this.received.splice(i, 1)[0] as T;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('TcpUa: timed out waiting for message');
      await new Promise<void>((res) => {
        const t = setTimeout(res, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          res();
        });
      });
    }
  }

  response(status: number, method?: string): Promise<SipResponse> {
    return this.next<SipResponse>(
      (m) => !m.isRequest && (m as SipResponse).status === status && (!method || (m.get('cseq') ?? '').endsWith(method)),
    );
  }

  request(method: string): Promise<SipRequest> {
    return this.next<SipRequest>((m) => m.isRequest && (m as SipRequest).method === method);
  }

  close(): void {
    for (const s of this.sockets) s.destroy();
    this.server.close();
  }
}
