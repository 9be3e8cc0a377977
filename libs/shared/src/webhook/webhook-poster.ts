import { type ClientRequest, Agent as HttpAgent, type IncomingHttpHeaders, type IncomingMessage, type RequestOptions, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { type Attributes, type Context, type Span, SpanKind, SpanStatusCode, type Tracer, context, trace } from '@opentelemetry/api';
import { TRACEPARENT_HEADER, injectTraceContext, recordSetter } from '../observability/trace-context.js';
import { spansExported } from '../observability/tracer.js';
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

/**
 * The request got no answer: no answer head within the timeout (`kind: 'timeout'`,
 * `code: 'ETIMEDOUT'`) or the connection failed (`kind: 'network'`, `code`: the
 * system error code — `ECONNREFUSED`, `ECONNRESET`, `ENOTFOUND`, a TLS code… —
 * or `ERR_DECOMPRESS` for an answer that did not inflate).
 */
export class WebhookTransportError extends Error {
  constructor(
    readonly kind: 'timeout' | 'network',
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookTransportError';
  }
}

/** The hook's answer: status, head, and the body text when it was asked for (else `''`). */
export interface WebhookAnswer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * What one request came to: an answer (any status), or the error: {@link WebhookTransportError}
 * or {@link WebhookBodyTooLarge}.
 */
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
 * `node:http` over keep-alive agents (a request costs a fraction of what a
 * general-purpose client spends normalising its options: bench/results/call-router.md).
 * The answer is buffered only when asked for, else drained. Never retries, except
 * once when a reused keep-alive connection turns out closed before any answer.
 */
export class WebhookPoster {
  readonly #options: WebhookPosterOptions;
  readonly #agents: { http: HttpAgent; https: HttpsAgent };
  /** Request options per hook URL (a service posts to a handful of URLs many times a second). */
  readonly #targets = new Map<string, RequestOptions>();

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
  }

  /**
   * One request inside its span. `settle` reads the attempt (it runs before
   * the span ends, so its verdict is the span's status) and its value is what
   * this resolves with; a `settle` that throws rejects this the same way.
   */
  async post<T>(req: WebhookRequest, settle: (attempt: WebhookAttempt) => SettledAttempt<T>): Promise<T> {
    const parent = req.parent ?? context.active();
    const tracer = typeof this.#options.tracer === 'function' ? this.#options.tracer() : this.#options.tracer;
    // Without an exporter a span inside the caller's trace would only give `traceparent` a span
    // id nobody will see: the caller's context goes as it is. Outside any trace, a span that
    // records nothing starts one, so every hook request still carries a `traceparent`.
    if (this.#options.spansOnlyWhenExported === true && !spansExported()) {
      const root = trace.getSpanContext(parent) === undefined ? tracer.startSpan(req.spanName, { kind: SpanKind.CLIENT }, parent) : undefined;
      const attempt = await this.#attempt(req, this.#headers(req, root, parent));
      root?.end();
      return settle(attempt).value;
    }
    const span = tracer.startSpan(
      req.spanName,
      { kind: SpanKind.CLIENT, attributes: { 'http.request.method': 'POST', ...req.spanAttributes } },
      parent,
    );
    try {
      const headers = this.#headers(req, span, parent);
      // Not run inside the span's context: no HTTP instrumentation is installed (startTracing
      // registers none) and entering a context per request costs CPU on the delivery path.
      const attempt = await this.#attempt(req, headers);
      if (attempt.answer) span.setAttribute('http.response.status_code', attempt.answer.statusCode);
      const settled = settle(attempt);
      if (settled.spanError !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: settled.spanError });
      return settled.value;
    } finally {
      span.end();
    }
  }

  /** One POST, its answer or its error. */
  async #attempt(req: WebhookRequest, headers: Record<string, string>): Promise<WebhookAttempt> {
    try {
      return { answer: await this.#send(req, headers) };
    } catch (error) {
      return { error };
    }
  }

    /** Closes the pooled keep-alive sockets. */
  close(): void {
    this.#agents.http.destroy();
    this.#agents.https.destroy();
  }

  /** The request's headers: caller's, then content type, Standard Webhooks id/timestamp/signature, trace. */
  #headers(req: WebhookRequest, span: Span | undefined, parent: Context): Record<string, string> {
    const headers: Record<string, string> = { ...req.headers, 'content-type': 'application/json' };
    if (this.#options.key) Object.assign(headers, signWebhookHeaders(this.#options.key, req.body, { id: req.id }));
    else {
      headers['webhook-id'] = req.id;
      headers['webhook-timestamp'] = String(Math.floor(Date.now() / 1000));
    }
    injectTraceContext(headers, recordSetter, span ? trace.setSpan(parent, span) : parent, (tp) => {
      headers[TRACEPARENT_HEADER] = tp;
    });
    if (headers[TRACEPARENT_HEADER] === undefined && req.traceparent) headers[TRACEPARENT_HEADER] = req.traceparent;
    return headers;
  }

  /** How to reach `url`: agent, host, port and path, parsed once per URL. */
  #target(url: string): RequestOptions {
    let target = this.#targets.get(url);
    if (target === undefined) {
      const u = new URL(url);
      const https = u.protocol === 'https:';
      if (!https && u.protocol !== 'http:') throw new TypeError(`not an http(s) URL: ${url}`);
      target = {
        method: 'POST',
        agent: https ? this.#agents.https : this.#agents.http,
        protocol: u.protocol,
        // URL keeps an IPv6 literal's brackets; a socket address must not have them.
        hostname: u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname,
        port: u.port === '' ? (https ? 443 : 80) : Number(u.port),
        path: `${u.pathname}${u.search}`,
      };
      if (u.username !== '' || u.password !== '') {
        target.auth = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
      }
      if (this.#targets.size >= MAX_TARGETS) this.#targets.clear();
      this.#targets.set(url, target);
    }
    return target;
  }

  /**
   * One POST. Resolves with the answer once its body has been read (or, when
   * not wanted, with the head, the body drained); rejects with
   * {@link WebhookTransportError} or {@link WebhookBodyTooLarge}. The timeout
   * runs from the start to the last byte: a body that stalls is cut off too.
   */
  #send(req: WebhookRequest, headers: Record<string, string>): Promise<WebhookAnswer> {
    const target = this.#target(req.url);
    const timeoutMs = req.timeoutMs ?? this.#options.timeoutMs;
    const decompress = this.#options.decompress ?? true;
    headers['user-agent'] = this.#options.userAgent;
    headers['content-length'] = String(Buffer.byteLength(req.body));
    if (decompress && req.readBody) headers['accept-encoding'] = 'gzip, deflate, br';
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (err: Error | undefined, answer?: WebhookAnswer): void => {
        if (settled) return;
        settled = true;
        if (err) reject(err);
        else resolve(answer!);
      };
      let request!: ClientRequest;
      const timer = setTimeout(() => {
        settle(new WebhookTransportError('timeout', 'ETIMEDOUT', `no answer within ${timeoutMs} ms`));
        request.destroy();
      }, timeoutMs);
      const done = (): void => clearTimeout(timer);
      const send = (mayResend: boolean): void => {
        request = (target.protocol === 'https:' ? httpsRequest : httpRequest)({ ...target, headers });
        request.on('error', (err: NodeJS.ErrnoException) => {
          // A kept-alive connection the hook closed while idle (its idle timeout fired as the
          // request went out) fails before any answer, the request most likely unread: it goes
          // again, once, with the same webhook-id (receivers dedupe on it). A connection opened
          // for the request is not retried.
          if (mayResend && !settled && request.reusedSocket && STALE_SOCKET_CODES.has(err.code ?? '')) {
            send(false);
            return;
          }
          done();
          settle(new WebhookTransportError('network', err.code ?? 'ERR_NETWORK', err.message));
        });
        request.on('response', (res: IncomingMessage) => answered(res, request));
        request.end(req.body);
      };
      const answered = (res: IncomingMessage, request: ClientRequest): void => {
        const statusCode = res.statusCode ?? 0;
        res.on('close', done);
        // The connection cut in the middle of the body (drained or read).
        res.on('error', (err: NodeJS.ErrnoException) => {
          done();
          settle(new WebhookTransportError('network', err.code ?? 'ECONNRESET', err.message));
        });
        if (!req.readBody) {
          res.resume();
          settle(undefined, { statusCode, headers: res.headers, body: '' });
          return;
        }
        const limit = req.maxBodyBytes ?? Number.POSITIVE_INFINITY;
        const tooLarge = (): void => {
          settle(new WebhookBodyTooLarge(limit, statusCode));
          request.destroy();
        };
        if (Number(res.headers['content-length'] ?? 0) > limit) {
          tooLarge();
          return;
        }
        const body = decompress ? inflated(res) : res;
        if (body !== res) {
          body.on('error', (err: Error) => {
            settle(new WebhookTransportError('network', 'ERR_DECOMPRESS', err.message));
            request.destroy();
          });
        }
        const chunks: Buffer[] = [];
        let size = 0;
        body.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > limit) tooLarge();
          else chunks.push(chunk);
        });
        body.once('end', () => settle(undefined, { statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      };
      send(true);
    });
  }
}

/** How a reused keep-alive connection that the server had closed fails before any answer. */
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE']);

/** Bound on remembered hook URLs. */
const MAX_TARGETS = 1024;

/** The answer's body, inflated when it says it is compressed (gzip, deflate, br). */
function inflated(res: IncomingMessage): Readable {
  const encoding = res.headers['content-encoding']?.trim().toLowerCase();
  if (encoding === 'gzip' || encoding === 'x-gzip') return res.pipe(createGunzip());
  if (encoding === 'deflate') return res.pipe(createInflate());
  if (encoding === 'br') return res.pipe(createBrotliDecompress());
  return res;
}
