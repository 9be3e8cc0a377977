// Writes the tone files the PBX plays by default into MEDIA_PATH (default ./media):
// uk.wav, us.wav, eu.wav ringback cadences and greeting.wav. 8 kHz mono 16-bit PCM,
// the format RTPEngine plays without conversion. Existing files are left alone.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const RATE = 8000;

/** A cadence: [frequencies (Hz), duration (s)]; an empty list is silence. */
type Step = [number[], number];

function render(steps: Step[], repeat: number): Int16Array {
  const total = steps.reduce((n, [, d]) => n + Math.round(d * RATE), 0) * repeat;
  const out = new Int16Array(total);
  let i = 0;
  for (let r = 0; r < repeat; r++) {
    for (const [freqs, dur] of steps) {
      const n = Math.round(dur * RATE);
      for (let k = 0; k < n; k++, i++) {
        let v = 0;
        for (const f of freqs) v += Math.sin((2 * Math.PI * f * k) / RATE);
        out[i] = freqs.length ? Math.round((v / freqs.length) * 0.4 * 32767) : 0;
      }
    }
  }
  return out;
}

function wav(samples: Int16Array): Buffer {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8);
  h.writeUInt32LE(16, 16); // fmt chunk size
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(RATE, 24);
  h.writeUInt32LE(RATE * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

const files: Record<string, Buffer> = {
  'uk.wav': wav(render([[[400, 450], 0.4], [[], 0.2], [[400, 450], 0.4], [[], 2.0]], 1)),
  'us.wav': wav(render([[[440, 480], 2.0], [[], 4.0]], 1)),
  'eu.wav': wav(render([[[425], 1.0], [[], 4.0]], 1)),
  'greeting.wav': wav(render([[[523], 0.3], [[659], 0.3], [[784], 0.6], [[], 0.3]], 1)),
};

const dir = process.env.MEDIA_PATH ?? join(process.cwd(), 'media');
mkdirSync(dir, { recursive: true });
for (const [name, buf] of Object.entries(files)) {
  const path = join(dir, name);
  if (!existsSync(path)) writeFileSync(path, buf);
}
