import type { Response } from 'got';
import { PBX_ERR_CONFIG_FETCH } from './config-errors.js';
import {
  type ApiConfigSourceInput,
  type ApiConfigSourceOptions,
  ApiConfigSourceOptionsSchema,
} from './api-config-source-options.js';
import { ConfigSourceBase } from './config-source-base.js';
import type { ConfigSourceDeps } from './config-source-deps.js';
import { resolveOptions } from './resolve-options.js';
import { snapshotFromFeed } from './snapshot-from-feed.js';

/** The URL without credentials, safe for logs and error messages. */
function redact(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString();
}

/**
 * `DATA_SOURCE=api`: polls the admin UI's domain feed every `ttlSeconds`.
 * Conditional GETs (RFC 9110 §13.1.2 `If-None-Match`) make an unchanged feed
 * cost a 304. A failed poll (HTTP error, timeout, bad JSON, schema error) is
 * logged and the last good configuration stays live; the ETag is remembered
 * only for accepted bodies, so a rejected body is fetched again next time.
 */
export class ApiConfigSource extends ConfigSourceBase {
  readonly kind = 'api' as const;
  readonly options: Readonly<ApiConfigSourceOptions>;
  readonly #origin: string;
  #etag: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #inflight: Promise<void> = Promise.resolve();
  readonly #abort = new AbortController();
  #closed = false;

  constructor(options: ApiConfigSourceInput, deps: ConfigSourceDeps) {
    super(deps.logger);
    this.options = resolveOptions(ApiConfigSourceOptionsSchema, options, 'api config source');
    this.#origin = redact(this.options.url);
  }

  async start(): Promise<void> {
    await this.#poll();
    this.#next();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#abort.abort();
    await this.#inflight;
  }

  #next(): void {
    if (this.#closed) return;
    // A chain of timeouts, not an interval: a slow feed never overlaps itself.
    this.#timer = setTimeout(() => {
      this.#inflight = this.#poll()
        .catch((err) => {
          if (!this.#closed) this.reject(err);
        })
        .finally(() => this.#next());
    }, this.options.ttlSeconds * 1000);
    this.#timer.unref();
  }

  async #poll(): Promise<void> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (this.#etag) headers['if-none-match'] = this.#etag;
    let res: Response<string>;
    try {
      // Imported on first poll: only a DATA_SOURCE=api service needs got (cached after the first import).
      const { default: got } = await import('got');
      res = await got(this.options.url, {
        headers,
        timeout: { request: this.options.timeoutMs },
        retry: { limit: 0 },
        throwHttpErrors: false,
        responseType: 'text',
        signal: this.#abort.signal,
      });
    } catch (err) {
      if (this.#closed) return;
      const e = err as Error & { code?: string };
      const why = e.code === 'ETIMEDOUT' ? `timed out after ${this.options.timeoutMs} ms` : `${e.code ?? 'ERROR'}: ${e.message}`;
      throw new PBX_ERR_CONFIG_FETCH(this.#origin, why);
    }
    if (this.#closed) return;
    if (res.statusCode === 304) {
      // Only meaningful as the answer to our If-None-Match.
      if (!this.#etag) throw new PBX_ERR_CONFIG_FETCH(this.#origin, 'HTTP 304 without a conditional request');
      this.logger.debug({ source: this.kind }, 'config feed unchanged');
      return;
    }
    if (res.statusCode === 401 || res.statusCode === 403) {
      throw new PBX_ERR_CONFIG_FETCH(this.#origin, `HTTP ${res.statusCode}; check CONFIG_TOKEN`);
    }
    if (res.statusCode < 200 || res.statusCode > 299) {
      throw new PBX_ERR_CONFIG_FETCH(this.#origin, `HTTP ${res.statusCode}`);
    }
    this.accept(snapshotFromFeed(res.body, this.#origin));
    const etag = res.headers.etag;
    this.#etag = typeof etag === 'string' && etag !== '' ? etag : undefined;
  }
}
