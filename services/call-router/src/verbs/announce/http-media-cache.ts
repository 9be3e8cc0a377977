import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { MediaFileError } from './media-file.js';

const run = promisify(execFile);

/** Options of {@link HttpMediaCache}. */
export interface HttpMediaCacheOptions {
  /** Where converted files are kept (`MEDIA_CACHE_PATH`); RTPEngine must see the same path. */
  readonly dir: string;
  /** Longest a download may take, ms. @defaultValue 10000 */
  readonly timeoutMs?: number;
  /** Largest body accepted, bytes. @defaultValue 20 MiB */
  readonly maxBytes?: number;
  /** The converter binary. @defaultValue `ffmpeg` (found on PATH) */
  readonly ffmpeg?: string;
}

/**
 * `http(s)://` announcements (docs/contract.md §4.1): each URL is downloaded
 * once, converted to 8 kHz mono 16-bit WAV (what RTPEngine plays to a
 * narrow-band call) and kept under `dir` by the SHA-256 of its URL. Concurrent
 * requests for one URL share one download; a failed download is not cached,
 * so the next call tries again. Files appear atomically (rename), so a reader
 * never sees half a file.
 */
export class HttpMediaCache {
  readonly #dir: string;
  readonly #timeoutMs: number;
  readonly #maxBytes: number;
  readonly #ffmpeg: string;
  readonly #inflight = new Map<string, Promise<string>>();

  constructor(options: HttpMediaCacheOptions) {
    this.#dir = options.dir;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#maxBytes = options.maxBytes ?? 20 * 1024 * 1024;
    this.#ffmpeg = options.ffmpeg ?? 'ffmpeg';
  }

  /** The local WAV file of `url`, downloading and converting it the first time. */
  fetch(url: string): Promise<string> {
    const key = createHash('sha256').update(url).digest('hex');
    const file = join(this.#dir, `${key}.wav`);
    const running = this.#inflight.get(key);
    if (running) return running;
    const p = access(file)
      .then(
        () => file,
        () => this.#download(url, file),
      )
      .finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, p);
    return p;
  }

  async #download(url: string, file: string): Promise<string> {
    await mkdir(this.#dir, { recursive: true });
    const tmp = `${file}.${randomBytes(6).toString('hex')}`;
    const raw = `${tmp}.download`;
    const wav = `${tmp}.wav`;
    try {
      let res: Response;
      try {
        res = await fetch(url, { signal: AbortSignal.timeout(this.#timeoutMs), redirect: 'follow' });
      } catch (err) {
        const timedOut = (err as Error)?.name === 'TimeoutError';
        throw new MediaFileError(timedOut ? 'download timed out' : 'download failed: cannot reach the server', timedOut ? 504 : 502);
      }
      if (!res.ok || res.body === null) {
        await res.body?.cancel().catch(() => undefined);
        throw new MediaFileError(`download failed: HTTP ${res.status}`, 502);
      }
      const declared = Number(res.headers.get('content-length') ?? '0');
      if (declared > this.#maxBytes) {
        await res.body.cancel().catch(() => undefined);
        throw new MediaFileError(`download refused: larger than ${this.#maxBytes} bytes`, 413);
      }
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), this.#limit(), createWriteStream(raw)).catch((err: unknown) => {
        if (err instanceof MediaFileError) throw err;
        const timedOut = (err as Error)?.name === 'TimeoutError';
        throw new MediaFileError(timedOut ? 'download timed out' : 'download failed: connection lost', timedOut ? 504 : 502);
      });
      try {
        await run(this.#ffmpeg, ['-nostdin', '-loglevel', 'error', '-y', '-i', raw, '-ar', '8000', '-ac', '1', '-c:a', 'pcm_s16le', '-f', 'wav', wav], {
          timeout: 30_000,
        });
      } catch (err) {
        const missing = (err as NodeJS.ErrnoException)?.code === 'ENOENT';
        throw new MediaFileError(missing ? 'cannot convert: ffmpeg is not installed' : 'cannot convert: not an audio file', missing ? 500 : 415);
      }
      await rename(wav, file);
      return file;
    } finally {
      await rm(raw, { force: true });
      await rm(wav, { force: true });
    }
  }

  /** Fails the download as soon as it passes `maxBytes` (a body without Content-Length, or a lying one). */
  #limit(): Transform {
    let seen = 0;
    const max = this.#maxBytes;
    return new Transform({
      transform(chunk: Buffer, _enc, done) {
        seen += chunk.length;
        if (seen > max) done(new MediaFileError(`download refused: larger than ${max} bytes`, 413));
        else done(null, chunk);
      },
    });
  }
}
