import { type Socket, createSocket } from 'node:dgram';
import { parseMessage } from '../../src/sip/parse-message.js';
import type { SipMessage } from '../../src/sip/sip-message.js';
import type { SipRequest } from '../../src/sip/sip-request.js';
import type { SipResponse } from '../../src/sip/sip-response.js';

/** A scripted SIP user agent on a UDP socket, for tests: sends text, waits for parsed messages. */
export class UdpUa {
  readonly received: SipMessage[] = [];
  #waiters: Array<() => void> = [];

  private constructor(
    readonly socket: Socket,
    readonly port: number,
  ) {
    socket.on('message', (buf) => {
      try {
        this.received.push(parseMessage(buf));
      } catch {
        /* ignore garbage */
      }
      const w = this.#waiters;
      this.#waiters = [];
      for (const f of w) f();
    });
  }

  static async open(host = '127.0.0.1'): Promise<UdpUa> {
    const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((r) => s.bind(0, host, r));
    const ua = new UdpUa(s, s.address().port);
    ua.host = host;
    return ua;
  }

  /** Address the UA is bound to and sends to. */
  host = '127.0.0.1';

  /** Sends SIP text; `\n` line ends are turned into CRLF and Content-Length is computed. */
  send(text: string, port: number, body = ''): void {
    const head = text.trim().split('\n').map((l) => l.trim()).join('\r\n');
    const msg = `${head}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    this.socket.send(Buffer.from(msg), port, this.host);
  }

  sendRaw(buf: Buffer, port: number): void {
    this.socket.send(buf, port, this.host);
  }

  async next<T extends SipMessage = SipMessage>(pred: (m: SipMessage) => boolean, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.received.findIndex(pred);
      if (i >= 0) return this.received.splice(i, 1)[0] as T;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('UdpUa: timed out waiting for message');
      await new Promise<void>((res) => {
        const t = setTimeout(res, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          res();
        });
      });
    }
  }

  response(status: number, method?: string, timeoutMs?: number): Promise<SipResponse> {
    return this.next<SipResponse>(
      (m) => !m.isRequest && (m as SipResponse).status === status && (!method || (m.get('cseq') ?? '').endsWith(method)),
      timeoutMs,
    );
  }

  request(method: string, timeoutMs?: number): Promise<SipRequest> {
    return this.next<SipRequest>((m) => m.isRequest && (m as SipRequest).method === method, timeoutMs);
  }

  /** Resolves true if nothing matching arrives within `ms`. */
  async nothing(pred: (m: SipMessage) => boolean, ms: number): Promise<boolean> {
    try {
      await this.next(pred, ms);
      return false;
    } catch {
      return true;
    }
  }

  close(): void {
    this.socket.close();
  }
}

/** Builds a response to `req` as a UA would (copies Via/From/To/Call-ID/CSeq, adds a To tag). */
export function answer(req: SipMessage, status: number, reason: string, toTag: string, extra: string[] = []): string {
  const lines = [`SIP/2.0 ${status} ${reason}`];
  for (const v of req.getAll('via')) lines.push(`Via: ${v}`);
  lines.push(`From: ${req.get('from')}`);
  const to = req.get('to') ?? '';
  lines.push(`To: ${/;tag=/.test(to) ? to : `${to};tag=${toTag}`}`);
  lines.push(`Call-ID: ${req.get('call-id')}`);
  lines.push(`CSeq: ${req.get('cseq')}`);
  lines.push(...extra);
  return lines.join('\n');
}

export const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 10000 RTP/AVP 0\r\n';
