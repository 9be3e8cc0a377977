import { writeFileSync } from 'node:fs';

/**
 * Writes a 1 kHz sine as a WAV file: 8 kHz, mono, 16-bit PCM (RIFF "fmt " chunk
 * format 1), the format the original's announcements use.
 */
export function writeToneWav(path: string, seconds: number, amplitude = 12_000): void {
  const rate = 8000;
  const n = Math.round(rate * seconds);
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + n * 2, 4);
  b.write('WAVE', 8);
  b.write('fmt ', 12);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(amplitude * Math.sin((2 * Math.PI * 1000 * i) / rate)), 44 + i * 2);
  writeFileSync(path, b);
}
