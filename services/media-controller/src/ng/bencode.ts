/**
 * Bencoding (the ng protocol's message format): byte strings `<len>:<bytes>`,
 * integers `i<n>e`, lists `l…e`, dictionaries `d…e` with keys in byte order.
 * Strings are UTF-8 both ways; only what ng messages contain is supported.
 */

/** A value that cannot be bencoded (only strings, integers, arrays and plain objects can). */
export class BencodeEncodeError extends TypeError {
  override readonly name = 'BencodeEncodeError';
}

/** Bytes that are not a well-formed bencoded value. */
export class BencodeDecodeError extends Error {
  override readonly name = 'BencodeDecodeError';
}

/**
 * Encodes a value as bencode text. String lengths are UTF-8 byte counts, so
 * `Buffer.from(text, 'utf8')` yields the wire bytes.
 * @throws BencodeEncodeError for anything but strings, safe integers, arrays and plain objects
 */
export function bencodeText(value: unknown, path = '$'): string {
  switch (typeof value) {
    case 'string':
      return `${Buffer.byteLength(value, 'utf8')}:${value}`;
    case 'number':
      if (!Number.isSafeInteger(value)) throw new BencodeEncodeError(`${path}: ${value} is not an integer`);
      return `i${value}e`;
    case 'object': {
      if (value === null) break;
      if (Array.isArray(value)) {
        let out = 'l';
        for (let i = 0; i < value.length; i++) out += bencodeText(value[i], `${path}[${i}]`);
        return `${out}e`;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) break;
      const dict = value as Record<string, unknown>;
      let out = 'd';
      // Byte order of the keys; ng keys are ASCII, where it equals UTF-16 order.
      for (const key of Object.keys(dict).sort()) {
        const v = dict[key];
        if (v === undefined) continue;
        out += `${Buffer.byteLength(key, 'utf8')}:${key}${bencodeText(v, `${path}.${key}`)}`;
      }
      return `${out}e`;
    }
  }
  throw new BencodeEncodeError(`${path}: cannot bencode ${value === null ? 'null' : typeof value}`);
}

const COLON = 0x3a;
const E = 0x65;

/**
 * Decodes one bencoded value starting at `start`; the value must end exactly at
 * `end`. Byte strings become UTF-8 strings.
 * @throws BencodeDecodeError naming the offset of the first problem
 */
export function bdecode(buf: Buffer, start = 0, end = buf.length): unknown {
  const r = new Reader(buf, start, end);
  const value = r.value(0);
  if (r.pos !== end) throw new BencodeDecodeError(`trailing bytes at offset ${r.pos}`);
  return value;
}

/** Nesting deeper than this is not an ng message (and would risk the stack). */
const MAX_DEPTH = 64;

class Reader {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  value(depth: number): unknown {
    if (this.pos >= this.end) throw new BencodeDecodeError(`truncated at offset ${this.pos}`);
    if (depth > MAX_DEPTH) throw new BencodeDecodeError(`nested deeper than ${MAX_DEPTH} at offset ${this.pos}`);
    const c = this.buf[this.pos] as number;
    if (c === 0x69 /* i */) return this.integer();
    if (c === 0x6c /* l */) {
      this.pos++;
      const list: unknown[] = [];
      while (this.peek() !== E) list.push(this.value(depth + 1));
      this.pos++;
      return list;
    }
    if (c === 0x64 /* d */) {
      this.pos++;
      const dict: Record<string, unknown> = {};
      while (this.peek() !== E) {
        const key = this.string();
        const v = this.value(depth + 1);
        // A key named __proto__ stays a plain property.
        if (key === '__proto__') Object.defineProperty(dict, key, { value: v, enumerable: true, writable: true, configurable: true });
        else dict[key] = v;
      }
      this.pos++;
      return dict;
    }
    if (c >= 0x30 && c <= 0x39) return this.string();
    throw new BencodeDecodeError(`unexpected byte 0x${c.toString(16)} at offset ${this.pos}`);
  }

  peek(): number {
    if (this.pos >= this.end) throw new BencodeDecodeError(`truncated at offset ${this.pos}`);
    return this.buf[this.pos] as number;
  }

  integer(): number {
    const at = this.pos;
    const stop = this.buf.indexOf(E, at + 1);
    if (stop < 0 || stop >= this.end) throw new BencodeDecodeError(`unterminated integer at offset ${at}`);
    const text = this.buf.toString('latin1', at + 1, stop);
    if (!/^(0|-?[1-9][0-9]*)$/.test(text)) throw new BencodeDecodeError(`bad integer "${text}" at offset ${at}`);
    this.pos = stop + 1;
    return Number(text);
  }

  string(): string {
    const at = this.pos;
    let len = 0;
    let i = at;
    for (; i < this.end; i++) {
      const c = this.buf[i] as number;
      if (c === COLON) break;
      if (c < 0x30 || c > 0x39 || i - at > 9) throw new BencodeDecodeError(`bad string length at offset ${at}`);
      len = len * 10 + (c - 0x30);
    }
    if (i === at || i >= this.end) throw new BencodeDecodeError(`bad string length at offset ${at}`);
    const from = i + 1;
    if (from + len > this.end) throw new BencodeDecodeError(`string of ${len} bytes at offset ${at} runs past the end`);
    this.pos = from + len;
    return this.buf.toString('utf8', from, from + len);
  }
}
