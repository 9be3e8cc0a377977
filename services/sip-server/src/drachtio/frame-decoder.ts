import { PBX_ERR_DRACHTIO_FRAMING } from './errors.js';

const HASH = 0x23;
const ZERO = 0x30;
const NINE = 0x39;

/**
 * Splits the admin byte stream into frame payloads. Frames are
 * `<N>#<payload>` where N counts UTF-8 bytes (docs/drachtio-protocol.md §1.1); a read may end
 * anywhere, including inside the digits, and may hold several frames.
 *
 * Payloads are returned as views on the received chunks (no copy) unless a
 * frame straddles reads.
 */
export class FrameDecoder {
  /** Unconsumed bytes carried from earlier reads. */
  #pending: Buffer | undefined;

  /**
   * @param maxFrameBytes - larger payloads are rejected (protects memory).
   * @defaultValue 16 MiB
   */
  constructor(private readonly maxFrameBytes = 16 * 1024 * 1024) {}

  /**
   * Feeds one read; returns every complete payload it finished.
   * @throws PBX_ERR_DRACHTIO_FRAMING on a non-digit prefix, zero length or oversize frame.
   */
  push(chunk: Buffer): Buffer[] {
    const buf = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
    this.#pending = undefined;
    const out: Buffer[] = [];
    let pos = 0;
    while (pos < buf.length) {
      let len = 0;
      let i = pos;
      let digits = 0;
      for (; i < buf.length; i++) {
        const c = buf[i] as number;
        if (c === HASH) break;
        if (c < ZERO || c > NINE) throw new PBX_ERR_DRACHTIO_FRAMING(`non-digit byte 0x${c.toString(16)} in length prefix`);
        len = len * 10 + (c - ZERO);
        if (++digits > 10 || len > this.maxFrameBytes) {
          throw new PBX_ERR_DRACHTIO_FRAMING(`frame length exceeds ${this.maxFrameBytes} bytes`);
        }
      }
      if (i >= buf.length) break; // prefix incomplete: keep the digits for the next read
      if (digits === 0 || len === 0) throw new PBX_ERR_DRACHTIO_FRAMING('empty or zero length prefix');
      const start = i + 1;
      if (start + len > buf.length) break;
      out.push(buf.subarray(start, start + len));
      pos = start + len;
    }
    if (pos < buf.length) {
      // Copy the remainder so a retained view never pins a huge earlier chunk.
      this.#pending = Buffer.from(buf.subarray(pos));
    }
    return out;
  }

  /** Bytes waiting for the rest of a frame. */
  get bufferedBytes(): number {
    return this.#pending?.length ?? 0;
  }
}
