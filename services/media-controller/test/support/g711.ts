// G.711 µ-law (ITU-T G.711 §A.2), enough to make and check test audio.

const BIAS = 0x84;
const CLIP = 32635;

export function linearToUlaw(sample: number): number {
  let s = Math.max(-CLIP, Math.min(CLIP, Math.round(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  s += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent -= 1;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

export function ulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const sign = u & 0x80;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
  return sign ? -magnitude : magnitude;
}

/** 160 µ-law samples (20 ms at 8 kHz) of a 1 kHz tone, starting at sample `offset`. */
export function ulawTone(offset: number, amplitude = 8000): Buffer {
  const out = Buffer.alloc(160);
  for (let i = 0; i < 160; i++) out[i] = linearToUlaw(amplitude * Math.sin((2 * Math.PI * 1000 * (offset + i)) / 8000));
  return out;
}

/** Root-mean-square level of a µ-law payload (0 = digital silence). */
export function ulawRms(payload: Buffer): number {
  let sum = 0;
  for (const b of payload) sum += ulawToLinear(b) ** 2;
  return Math.sqrt(sum / Math.max(1, payload.length));
}
