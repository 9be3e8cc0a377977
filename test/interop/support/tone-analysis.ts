import { readFileSync } from 'node:fs';

/** What a recording holds: its dominant frequency and its level. */
export interface ToneMeasure {
  /** Strongest frequency of the analysed window, Hz (0 for silence). */
  readonly frequencyHz: number;
  /** RMS level of the analysed window, dBFS (-Infinity for digital silence). */
  readonly levelDb: number;
  /** Seconds of audio in the file. */
  readonly seconds: number;
}

/** 16-bit PCM samples of a WAV file, first channel, and their rate. */
export function readWav(file: string): { readonly samples: Float64Array; readonly rate: number } {
  const b = readFileSync(file);
  if (b.length < 12 || b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${file}: not a WAV file`);
  let rate = 0;
  let channels = 1;
  let bits = 16;
  let data: Buffer | undefined;
  for (let off = 12; off + 8 <= b.length; ) {
    const id = b.toString('ascii', off, off + 4);
    let size = b.readUInt32LE(off + 4);
    // A recording still open has its data size unset (0): its data runs to the end of the file.
    if (id === 'data' && (size === 0 || off + 8 + size > b.length)) size = b.length - off - 8;
    const body = b.subarray(off + 8, Math.min(b.length, off + 8 + size));
    if (id === 'fmt ') {
      channels = body.readUInt16LE(2);
      rate = body.readUInt32LE(4);
      bits = body.readUInt16LE(14);
    } else if (id === 'data') data = body;
    off += 8 + size + (size % 2);
  }
  if (!data || rate === 0) throw new Error(`${file}: no fmt or data chunk`);
  if (bits !== 16) throw new Error(`${file}: ${bits}-bit samples, expected 16`);
  const frames = Math.floor(data.length / (2 * channels));
  const samples = new Float64Array(frames);
  for (let i = 0; i < frames; i++) samples[i] = data.readInt16LE(i * 2 * channels) / 32768;
  return { samples, rate };
}

/**
 * Several recordings of one call, one after the other (a phone starts a new one when its
 * audio stream restarts, e.g. when the PBX starts playing into the call).
 */
function joinWavs(files: readonly string[]): { readonly samples: Float64Array; readonly rate: number } {
  if (files.length === 0) throw new Error('no recording');
  const parts = files.map(readWav);
  const rate = parts[0]!.rate;
  if (parts.some((p) => p.rate !== rate)) throw new Error(`recordings of different rates: ${parts.map((p) => p.rate).join(', ')}`);
  const samples = new Float64Array(parts.reduce((n, p) => n + p.samples.length, 0));
  let at = 0;
  for (const p of parts) {
    samples.set(p.samples, at);
    at += p.samples.length;
  }
  return { samples, rate };
}

/** In-place radix-2 FFT of (re, im); length a power of two. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(ang * k);
        const wi = Math.sin(ang * k);
        const ar = re[i + k + len / 2]!;
        const ai = im[i + k + len / 2]!;
        const xr = ar * wr - ai * wi;
        const xi = ar * wi + ai * wr;
        re[i + k + len / 2] = re[i + k]! - xr;
        im[i + k + len / 2] = im[i + k]! - xi;
        re[i + k] = re[i + k]! + xr;
        im[i + k] = im[i + k]! + xi;
      }
    }
  }
}

/**
 * The dominant frequency and RMS level of the loudest second of a recording
 * (Hann-windowed FFT, parabolic interpolation of the peak: ~1 Hz at 8 kHz).
 * The loudest second, because a call's recording starts and ends with silence.
 * `range` (seconds from the start of the file) narrows the search to a part of the call.
 */
export function measureTone(file: string | readonly string[], range: { readonly fromS?: number; readonly toS?: number } = {}): ToneMeasure {
  const wav = typeof file === 'string' ? readWav(file) : joinWavs(file);
  const { rate } = wav;
  const samples = wav.samples.subarray(Math.floor((range.fromS ?? 0) * rate), range.toS === undefined ? undefined : Math.floor(range.toS * rate));
  const seconds = samples.length / rate;
  let n = 1;
  while (n * 2 <= Math.min(samples.length, rate)) n *= 2;
  if (samples.length < 256) return { frequencyHz: 0, levelDb: Number.NEGATIVE_INFINITY, seconds };
  // The loudest window, in steps of a quarter window.
  let best = 0;
  let bestEnergy = -1;
  for (let start = 0; start + n <= samples.length; start += n >> 2) {
    let e = 0;
    for (let i = start; i < start + n; i++) e += samples[i]! * samples[i]!;
    if (e > bestEnergy) {
      bestEnergy = e;
      best = start;
    }
  }
  const rms = Math.sqrt(bestEnergy / n);
  const levelDb = rms === 0 ? Number.NEGATIVE_INFINITY : 20 * Math.log10(rms);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < n; i++) re[i] = samples[best + i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1)));
  fft(re, im);
  const mag = (k: number) => Math.hypot(re[k]!, im[k]!);
  let peak = 1;
  for (let k = 2; k < n / 2; k++) if (mag(k) > mag(peak)) peak = k;
  const [a, b, c] = [mag(peak - 1), mag(peak), mag(peak + 1)];
  const shift = a - 2 * b + c === 0 ? 0 : (0.5 * (a - c)) / (a - 2 * b + c);
  return { frequencyHz: rms === 0 ? 0 : ((peak + shift) * rate) / n, levelDb, seconds };
}

/** "440.2 Hz at -9.1 dBFS over 4.8 s", for failure messages. */
export function describeTone(m: ToneMeasure): string {
  return `${m.frequencyHz.toFixed(1)} Hz at ${m.levelDb.toFixed(1)} dBFS over ${m.seconds.toFixed(1)} s`;
}
