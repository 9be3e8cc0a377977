import { randomUUID } from 'node:crypto';
import { type Socket, connect } from 'node:net';
import { FrameDecoder } from '../../src/drachtio/frame-decoder.js';

/** A frame as the test sees it: leader tokens and the SIP text after the first CRLF. */
export interface RawFrame {
  tokens: string[];
  sip: string | undefined;
  raw: Buffer;
}

/** Minimal admin-protocol client for tests: writes raw bytes, queues decoded frames. */
export class RawAdminClient {
  readonly frames: RawFrame[] = [];
  /** Every frame received, in order (`frames` loses the ones `next` took). */
  readonly seen: RawFrame[] = [];
  closed = false;
  #waiters: Array<() => void> = [];
  readonly #decoder = new FrameDecoder();

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      for (const p of this.#decoder.push(d)) {
        const s = p.toString('utf8');
        const i = s.indexOf('\r\n');
        const frame: RawFrame = {
          tokens: (i < 0 ? s : s.slice(0, i)).split('|'),
          sip: i < 0 ? undefined : s.slice(i + 2),
          raw: p,
        };
        this.frames.push(frame);
        this.seen.push(frame);
      }
      this.#wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
    socket.on('error', () => {});
  }

  static async open(port: number, host = '127.0.0.1'): Promise<RawAdminClient> {
    const s = connect({ port, host });
    await new Promise<void>((res, rej) => {
      s.once('connect', res);
      s.once('error', rej);
    });
    return new RawAdminClient(s);
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  writeRaw(b: Buffer | string): void {
    this.socket.write(b);
  }

  /** Sends `<id>|<rest>[CRLF sip]` and returns the id. */
  send(rest: string, sip?: string): string {
    const id = randomUUID();
    const payload = Buffer.from(sip === undefined ? `${id}|${rest}` : `${id}|${rest}\r\n${sip}`, 'utf8');
    this.socket.write(Buffer.concat([Buffer.from(`${payload.length}#`), payload]));
    return id;
  }

  /** Waits for (and removes) the first frame matching `pred`. */
  async next(pred: (f: RawFrame) => boolean = () => true, timeoutMs = 5000): Promise<RawFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.frames.findIndex(pred);
      if (i >= 0) return this.frames.splice(i, 1)[0] as RawFrame;
      if (this.closed) throw new Error('connection closed while waiting for frame');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for frame');
      await new Promise<void>((res) => {
        const t = setTimeout(res, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          res();
        });
      });
    }
  }

  /** Response frame answering `id`. */
  reply(id: string, timeoutMs?: number): Promise<RawFrame> {
    return this.next((f) => f.tokens[1] === 'response' && f.tokens[2] === id, timeoutMs);
  }

  async waitClosed(timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('connection not closed');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async authenticate(secret = 'cymru', tags = ''): Promise<RawFrame> {
    return this.reply(this.send(`authenticate|${secret}|${tags}`));
  }

  close(): void {
    this.socket.destroy();
  }
}
