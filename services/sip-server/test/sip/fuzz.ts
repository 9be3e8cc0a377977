/** Seeded byte-level mutations for robustness tests. */

/** Deterministic PRNG (mulberry32) so failures reproduce. */
export function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING = [0x00, 0x0a, 0x0d, 0x20, 0x22, 0x2c, 0x3a, 0x3b, 0x3c, 0x3e, 0x40, 0x5c, 0xff, 0xc3];

export function mutate(base: Buffer, rand: () => number): Buffer {
  const b = Buffer.from(base);
  const n = 1 + Math.floor(rand() * 6);
  let out = b;
  for (let i = 0; i < n; i++) {
    const pos = Math.floor(rand() * out.length);
    const op = rand();
    if (op < 0.5) out[pos] = INTERESTING[Math.floor(rand() * INTERESTING.length)]!;
    else if (op < 0.75) out = Buffer.concat([out.subarray(0, pos), out.subarray(pos + 1 + Math.floor(rand() * 8))]);
    else out = Buffer.concat([out.subarray(0, pos), out.subarray(pos, pos + 20), out.subarray(pos)]);
  }
  return out;
}
