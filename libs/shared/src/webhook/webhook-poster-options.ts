import type { Tracer } from '@opentelemetry/api';

/** Options of {@link WebhookPoster}; checked once by its constructor. */
export interface WebhookPosterOptions {
  /** Per-request timeout (connect to last byte), ms; a request may override it. */
  timeoutMs: number;
  /** HMAC key bytes (see `decodeSigningSecret`); requests are unsigned when undefined. */
  key?: Buffer | undefined;
  /** `User-Agent` header. */
  userAgent: string;
  /**
   * Connections open at once per host; further requests wait for a free one.
   * @defaultValue unbounded (Node's default)
   */
  maxSockets?: number;
  /**
   * Idle keep-alive sockets kept per host.
   * @defaultValue 256 (Node's default)
   */
  maxFreeSockets?: number;
  /**
   * Which idle connection the next request takes (`lifo`: the most recently used).
   * @defaultValue 'lifo'
   */
  scheduling?: 'fifo' | 'lifo';
  /**
   * Ask for compressed answers and inflate them. Only worth it when the answer
   * is read; a poster that never reads it saves a decompression stream per response.
   * @defaultValue true
   */
  decompress?: boolean;
  /**
   * The tracer spans are created with, or a function resolving it per request
   * (so it follows whatever provider is registered later).
   */
  tracer: Tracer | (() => Tracer);
  /**
   * Make the request's CLIENT span only when `startTracing` exports spans
   * (`spansExported()`); otherwise the caller's trace context travels as it is.
   * For a poster on the process's registered tracer; one given its own
   * provider's tracer keeps making spans.
   * @defaultValue false
   */
  spansOnlyWhenExported?: boolean;
}
