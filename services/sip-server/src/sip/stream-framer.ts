/**
 * Cuts a TCP byte stream into SIP messages (RFC 3261 §18.3: on stream
 * transports Content-Length is mandatory and delimits the body). Also
 * recognises RFC 5626 §3.5.1 CRLF keep-alives: a CRLFCRLF "ping" is
 * reported so the transport can answer a CRLF "pong"; a lone CRLF is skipped.
 */
import { findHeaderEnd } from './parse-message.js';

export interface FramerLimits {
  /** Largest accepted header section in bytes (long URIs / Call-IDs must fit). @defaultValue 262144 */
  maxHeaderBytes: number;
  /** Largest accepted message (headers + body) in bytes. @defaultValue 4194304 */
  maxMessageBytes: number;
}

export const DEFAULT_FRAMER_LIMITS: Readonly<FramerLimits> = Object.freeze({
  maxHeaderBytes: 262144,
  maxMessageBytes: 4 * 1024 * 1024,
});

/** One item cut from the stream. */
export type FramerItem =
  | { kind: 'message'; data: Buffer }
  | { kind: 'ping' }
  /** Unrecoverable framing error: the connection must be closed after answering `data` (if any) with 400. */
  | { kind: 'error'; reason: string; data?: Buffer };

const CL_LINE = /(?:^|\n)[ \t]*(?:content-length|l)[ \t]*:[ \t]*([^\r\n]*)/i;

export class SipStreamFramer {
  #buf: Buffer = Buffer.alloc(0);
  #failed = false;
  readonly #limits: FramerLimits;

  constructor(limits: Partial<FramerLimits> = {}) {
    this.#limits = { ...DEFAULT_FRAMER_LIMITS, ...limits };
  }

  /** Bytes buffered but not yet framed. */
  get pending(): number {
    return this.#buf.length;
  }

  /** Feeds a chunk; returns the complete items it (with earlier chunks) produced. */
  push(chunk: Buffer): FramerItem[] {
    if (this.#failed) return [];
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    const out: FramerItem[] = [];
    let pos = 0;
    const buf = this.#buf;
    while (pos < buf.length) {
      // Keep-alive handling before a start line.
      if (buf[pos] === 0x0d || buf[pos] === 0x0a) {
        if (buf.length - pos >= 4 && buf.readUInt32BE(pos) === 0x0d0a0d0a) {
          out.push({ kind: 'ping' });
          pos += 4;
          continue;
        }
        if (buf.length - pos < 4 && isCrlfPrefix(buf, pos)) break; // maybe a partial ping
        pos++;
        continue;
      }
      const end = findHeaderEnd(buf, pos);
      if (!end) {
        if (buf.length - pos > this.#limits.maxHeaderBytes) return this.#fail(out, 'header section too large');
        break;
      }
      if (end.headEnd - pos > this.#limits.maxHeaderBytes) return this.#fail(out, 'header section too large');
      const head = buf.toString('latin1', pos, end.headEnd);
      const m = CL_LINE.exec(head);
      const headOnly = buf.subarray(pos, end.bodyStart);
      if (!m) return this.#fail(out, 'Missing Content-Length', headOnly);
      const clText = m[1]!.trim();
      if (!/^\d{1,9}$/.test(clText)) return this.#fail(out, 'Bad Content-Length', headOnly);
      const total = end.bodyStart - pos + Number(clText);
      if (total > this.#limits.maxMessageBytes) return this.#fail(out, 'Message too large', headOnly);
      if (buf.length - pos < total) break;
      // A message that shares its read chunk with others gets its own copy: the
      // stack keeps requests for 64×T1, and a view would pin the whole chunk.
      out.push({ kind: 'message', data: total === buf.length ? buf : copyOf(buf.subarray(pos, pos + total)) });
      pos += total;
    }
    this.#buf = pos >= buf.length ? Buffer.alloc(0) : buf.subarray(pos);
    return out;
  }

  #fail(out: FramerItem[], reason: string, data?: Buffer): FramerItem[] {
    this.#failed = true;
    this.#buf = Buffer.alloc(0);
    out.push(data ? { kind: 'error', reason, data } : { kind: 'error', reason });
    return out;
  }
}

function isCrlfPrefix(buf: Buffer, pos: number): boolean {
  const want = [0x0d, 0x0a, 0x0d, 0x0a];
  for (let i = pos, j = 0; i < buf.length; i++, j++) if (buf[i] !== want[j]) return false;
  return true;
}

function copyOf(view: Buffer): Buffer {
  const out = Buffer.allocUnsafeSlow(view.length);
  view.copy(out);
  return out;
}
