import { Agent as HttpAgent, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { type Attributes, type Context, type Span, SpanKind, SpanStatusCode, type Tracer, context, trace } from '@opentelemetry/api';
import got, { type Got, type PlainResponse } from 'got';
import { TRACEPARENT_HEADER, injectTraceContext, recordSetter } from '../observability/trace-context.js';
import { signWebhookHeaders } from './sign-webhook.js';
import type { WebhookPosterOptions } from './webhook-poster-options.js';

/** One webhook request for {@link WebhookPoster.post}. */
export interface WebhookRequest {
  url: string;
  /** The JSON text sent, signed as these exact bytes. */
  body: string;
  /** `webhook-id`: stable across retries of one event so the receiver can de-duplicate. */
  id: string;
  /** Extra request headers (the poster's own headers win). */
  headers?: Record<string, string>;
  /** Overrides the poster's timeout for this request. */
  timeoutMs?: number;
  /** Buffer the answer's body (for hooks whose answer decides something); otherwise it is drained unread. */
  readBody: boolean;
  /**
   * Largest answer body buffered when `readBody` is set, bytes (after decompression): a longer
   * one (by `Content-Length` or as it streams) aborts the request with {@link WebhookBodyTooLarge}.
   * @defaultValue unbounded
   */
  maxBodyBytes?: number;
  /** Name and attributes of the CLIENT span around the request. */
  spanName: string;
  spanAttributes?: Attributes;
  /** Parent of the span. @defaultValue the active context */
  parent?: Context;
  /** Sent when the span's own context is not valid (tracing off): the caller's trace, as received. */
  traceparent?: string;
}

/**
 * The answer's body passed {@link WebhookRequest.maxBodyBytes}; the request was aborted
 * without buffering the rest, so a hook cannot make the service hold megabytes per call.
 */
export class WebhookBodyTooLarge extends Error {
  constructor(
    readonly limit: number,
    readonly statusCode: number,
  ) {
    super(`answer body larger than ${limit} bytes`);
    this.name = 'WebhookBodyTooLarge';
  }
}

/** The hook's answer: status, head, and the body text when it was asked for (else `''`). */
export interface WebhookAnswer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What one request came to: an answer (any status) or the transport's error (got's `RequestError`). */
export type WebhookAttempt = { answer: WebhookAnswer; error?: undefined } | { answer?: undefined; error: unknown };

/**
 * The caller's reading of an attempt: the value {@link WebhookPoster.post}
 * resolves with, and the span's error message when the attempt failed.
 */
export interface SettledAttempt<T> {
  value: T;
  spanError?: string;
}

/**
 * POSTs signed JSON to webhooks — the one HTTP poster of the project (RegHook,
 * CallHook and StatusHook). Per request: the Standard Webhooks headers, one
 * CLIENT span whose context travels in `traceparent`, and one POST through
 * got's stream interface over keep-alive agents. The stream interface costs
 * less CPU per request than the promise interface (bench/results/hook-dispatcher.md):
 * the answer is buffered only when asked for, else drained. Never retries.
 */
export class WebhookPoster {
  readonly #options: WebhookPosterOptions;
  readonly #agents: { http: HttpAgent; https: HttpsAgent };
  readonly #client: Got;

  constructor(options: WebhookPosterOptions) {
    if (!Number.isInteger(options.timeoutMs) || options.timeoutMs <= 0) {
      throw new RangeError(`timeoutMs must be a positive integer, got ${options.timeoutMs}`);
    }
    if (options.maxSockets !== undefined && (!Number.isInteger(options.maxSockets) || options.maxSockets < 1)) {
      throw new RangeError(`maxSockets must be a positive integer, got ${options.maxSockets}`);
    }
    const scheduling = options.scheduling ?? 'lifo';
    if (scheduling !== 'fifo' && scheduling !== 'lifo') throw new RangeError(`scheduling must be 'fifo' or 'lifo', got ${String(scheduling)}`);
    this.#options = options;
    const agentOptions = {
      keepAlive: true,
      scheduling,
      ...(options.maxSockets !== undefined && { maxSockets: options.maxSockets }),
      ...(options.maxFreeSockets !== undefined && { maxFreeSockets: options.maxFreeSockets }),
    };
    this.#agents = { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) };
    this.#client = got.extend({
      agent: this.#agents,
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: false,
      decompress: options.decompress ?? true,
      timeout: { request: options.timeoutMs },
      headers: { 'user-agent': options.userAgent },
    });
  }

  /**
   * One request inside its span. `settle` reads the attempt (it runs before
   * the span ends, so its verdict is the span's status) and its value is what
   * this resolves with; a `settle` that throws rejects this the same way.
   */
  async post<T>(req: WebhookRequest, settle: (attempt: WebhookAttempt) => SettledAttempt<T>): Promise<T> {
    const tracer = typeof this.#options.tracer === 'function' ? this.#options.tracer() : this.#options.tracer;
    const parent = req.parent ?? context.active();
    const span = tracer.startSpan(
      req.spanName,
      { kind: SpanKind.CLIENT, attributes: { 'http.request.method': 'POST', ...req.spanAttributes } },
      parent,
    );
    try {
      const headers = this.#headers(req, span, parent);
      let attempt: WebhookAttempt;
      try {
        // Not run inside the span's context: no HTTP instrumentation is installed (startTracing
        // registers none) and entering a context per request costs CPU on the delivery path.
        attempt = { answer: await this.#send(req, headers) };
        span.setAttribute('http.response.status_code', attempt.answer.statusCode);
      } catch (error) {
        attempt = { error };
      }
      const settled = settle(attempt);
      if (settled.spanError !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: settled.spanError });
      return settled.value;
    } finally {
      span.end();
    }
  }

  /** Closes the pooled keep-alive sockets. */
  close(): void {
    this.#agents.http.destroy();
    this.#agents.https.destroy();
  }

  /** The request's headers: caller's, then content type, Standard Webhooks id/timestamp/signature, trace. */
  #headers(req: WebhookRequest, span: Span, parent: Context): Record<string, string> {
    const headers: Record<string, string> = { ...req.headers, 'content-type': 'application/json' };
    if (this.#options.key) Object.assign(headers, signWebhookHeaders(this.#options.key, req.body, { id: req.id }));
    else {
      headers['webhook-id'] = req.id;
      headers['webhook-timestamp'] = String(Math.floor(Date.now() / 1000));
    }
    injectTraceContext(headers, recordSetter, trace.setSpan(parent, span), (tp) => {
      headers[TRACEPARENT_HEADER] = tp;
    });
    if (headers[TRACEPARENT_HEADER] === undefined && req.traceparent) headers[TRACEPARENT_HEADER] = req.traceparent;
    return headers;
  }

  /**
   * One POST through got's stream interface. Resolves with the answer once its
   * body has been read (or, when not wanted, with the head, the body drained);
   * rejects with got's `RequestError`.
   */
  #send(req: WebhookRequest, headers: Record<string, string>): Promise<WebhookAnswer> {
    return new Promise((resolve, reject) => {
      const stream = this.#client.stream.post(req.url, {
        body: req.body,
        headers,
        ...(req.timeoutMs !== undefined && { timeout: { request: req.timeoutMs } }),
      });
      // Kept for the stream's whole life: an error after the head (e.g. the body
      // timing out) must not become an unhandled 'error' event.
      stream.on('error', reject);
      stream.once('response', (res: PlainResponse) => {
        if (!req.readBody) {
          stream.resume();
          resolve({ statusCode: res.statusCode, headers: res.headers, body: '' });
          return;
        }
        const limit = req.maxBodyBytes ?? Number.POSITIVE_INFINITY;
        const tooLarge = () => {
          reject(new WebhookBodyTooLarge(limit, res.statusCode));
          stream.destroy();
        };
        if (Number(res.headers['content-length'] ?? 0) > limit) {
          tooLarge();
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > limit) tooLarge();
          else chunks.push(chunk);
        });
        stream.once('end', () => resolve({ statusCode: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      });
    });
  }
}
