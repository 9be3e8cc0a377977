/**
 * Seeded mutations of SIP messages for the abuse suite: bit flips, truncation,
 * inserted and duplicated bytes, hostile Content-Length and Via values,
 * non-UTF-8 bytes and oversize datagrams. Deterministic for a seed, so a
 * failing run can be replayed.
 */

/** Mulberry32: a small, fast, seedable PRNG (statistical quality is irrelevant here). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE_LINES = [
  'Content-Length: 99999999',
  'Content-Length: -1',
  'Content-Length: 18446744073709551616',
  'Via: SIP/2.0/UDP',
  'Via: SIP/2.0/TCP [::1;branch=z9hG4bK',
  'Via: ,,,,',
  'CSeq: 4294967296 INVITE',
  'Max-Forwards: -3',
  'Contact: <sip:a@b;expires=99999999999999999999>',
  `X-Long: ${'x'.repeat(8000)}`,
  'From: "unterminated <sip:a@b>',
  'Call-ID: \u00ff\u00fe\u00fd',
];

/** One mutated copy of `base` (never longer than 64 KiB + a little). */
export function mutate(base: Buffer, rnd: () => number): Buffer {
  const pick = Math.floor(rnd() * 8);
  const b = Buffer.from(base);
  const at = () => Math.floor(rnd() * b.length);
  switch (pick) {
    case 0: {
      // bit flips
      for (let i = 0, n = 1 + Math.floor(rnd() * 8); i < n; i++) {
        const p = at();
        b[p] = (b[p] as number) ^ (1 << Math.floor(rnd() * 8));
      }
      return b;
    }
    case 1:
      return b.subarray(0, at()); // truncation
    case 2: {
      // random bytes inserted (non-UTF-8 included)
      const p = at();
      const junk = Buffer.alloc(1 + Math.floor(rnd() * 32));
      for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(rnd() * 256);
      return Buffer.concat([b.subarray(0, p), junk, b.subarray(p)]);
    }
    case 3: {
      // a hostile header line after the start line
      const text = b.toString('latin1');
      const nl = text.indexOf('\r\n');
      const line = HOSTILE_LINES[Math.floor(rnd() * HOSTILE_LINES.length)] as string;
      return Buffer.from(`${text.slice(0, nl + 2)}${line}\r\n${text.slice(nl + 2)}`, 'latin1');
    }
    case 4: {
      // a header line duplicated many times
      const lines = b.toString('latin1').split('\r\n');
      const i = 1 + Math.floor(rnd() * Math.max(1, lines.length - 3));
      const copies = new Array(1 + Math.floor(rnd() * 200)).fill(lines[i] ?? '');
      lines.splice(i, 0, ...copies);
      return Buffer.from(lines.join('\r\n'), 'latin1');
    }
    case 5: {
      // a datagram near the 64 KiB limit
      const pad = Buffer.alloc(60_000 + Math.floor(rnd() * 5000), 0x41);
      return Buffer.concat([b, pad]);
    }
    case 6: {
      // CRLF / NUL storms
      const p = at();
      const storm = Buffer.alloc(1 + Math.floor(rnd() * 64), rnd() < 0.5 ? 0x0a : 0x00);
      return Buffer.concat([b.subarray(0, p), storm, b.subarray(p)]);
    }
    default: {
      // pure garbage
      const g = Buffer.alloc(1 + Math.floor(rnd() * 2000));
      for (let i = 0; i < g.length; i++) g[i] = Math.floor(rnd() * 256);
      return g;
    }
  }
}
