import { PBX_ERR_DRACHTIO_FRAMING } from './errors.js';

const HASH = 0x23;
const ZERO = 0x30;
const NINE = 0x39;

/** Largest application frame accepted (drachtio-server's own limit is of this order). */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

/**
 * Splits the admin byte stream into frame payloads. Frames are
 * `<N>#<payload>` where N counts UTF-8 bytes (docs/drachtio-protocol.md §1.1); a read may end
 * anywhere, including inside the digits, and may hold several frames.
 *
 * Cost is linear in the bytes received: while a frame whose length is known
 * is incomplete, reads are only collected, and they are joined once, when the
 * last byte of the frame arrives. Payloads are views on the received chunks
 * (no copy) unless a frame straddles reads.
 */
export class FrameDecoder {
  /** Reads not yet consumed, in order; `#queued` bytes in all. */
  #chunks: Buffer[] = [];
  #queued = 0;
  /** Bytes (prefix + payload) the frame at the head of `#chunks` needs; 0 while its prefix is incomplete. */
  #need = 0;

  /**
   * @param maxFrameBytes - larger payloads are rejected (protects memory). It
   * may be changed between reads, e.g. raised once a connection authenticated.
   * @defaultValue {@link MAX_FRAME_BYTES}
   */
  constructor(public maxFrameBytes = MAX_FRAME_BYTES) {}

  /**
   * Feeds one read; returns every complete payload it finished.
   * @throws PBX_ERR_DRACHTIO_FRAMING on a non-digit prefix, zero length or oversize frame.
   */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    this.decode(chunk, (p) => {
      out.push(p);
    });
    return out;
  }

  /**
   * Feeds one read and hands each complete payload to `sink` as soon as it is
   * cut, so the sink can change {@link maxFrameBytes} (or stop, by returning
   * `false`) before the next frame's prefix is read.
   * @throws PBX_ERR_DRACHTIO_FRAMING as {@link push}.
   */
  decode(chunk: Buffer, sink: (payload: Buffer) => boolean | undefined | void): void {
    if (chunk.length === 0) return;
    if (this.#need > 0 && this.#queued + chunk.length < this.#need) {
      this.#chunks.push(chunk);
      this.#queued += chunk.length;
      return;
    }
    const buf = this.#chunks.length === 0 ? chunk : Buffer.concat([...this.#chunks, chunk], this.#queued + chunk.length);
    this.#chunks = [];
    this.#queued = 0;
    this.#need = 0;
    let pos = 0;
    while (pos < buf.length) {
      const prefix = this.#readPrefix(buf, pos);
      if (prefix === undefined) break; // digits incomplete: keep them for the next read
      const start = prefix.hash + 1;
      if (start + prefix.len > buf.length) {
        this.#need = start + prefix.len - pos;
        break;
      }
      const payload = buf.subarray(start, start + prefix.len);
      pos = start + prefix.len;
      if (sink(payload) === false) return;
    }
    if (pos < buf.length) {
      // Copy the remainder so a retained view never pins a huge earlier chunk.
      const rest = Buffer.from(buf.subarray(pos));
      this.#chunks = [rest];
      this.#queued = rest.length;
    }
  }

  /** Length prefix at `pos`, or undefined when the read ended inside it. */
  #readPrefix(buf: Buffer, pos: number): { len: number; hash: number } | undefined {
    let len = 0;
    let digits = 0;
    for (let i = pos; i < buf.length; i++) {
      const c = buf[i] as number;
      if (c === HASH) {
        if (digits === 0 || len === 0) throw new PBX_ERR_DRACHTIO_FRAMING('empty or zero length prefix');
        return { len, hash: i };
      }
      if (c < ZERO || c > NINE) throw new PBX_ERR_DRACHTIO_FRAMING(`non-digit byte 0x${c.toString(16)} in length prefix`);
      len = len * 10 + (c - ZERO);
      if (++digits > 10 || len > this.maxFrameBytes) {
        throw new PBX_ERR_DRACHTIO_FRAMING(`frame length exceeds ${this.maxFrameBytes} bytes`);
      }
    }
    return undefined;
  }

  /** Bytes waiting for the rest of a frame. */
  get bufferedBytes(): number {
    return this.#queued;
  }
}
