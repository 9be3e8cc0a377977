import type { Logger } from 'pino';
import { sharedTracer } from '../observability/tracer.js';
import { newWebhookId } from './sign-webhook.js';
import { decodeSigningSecret } from './signing-secret.js';
import type { WebhookClientOptions } from './webhook-client-options.js';
import {
  PBX_ERR_WEBHOOK_BAD_JSON,
  PBX_ERR_WEBHOOK_BAD_URL,
  PBX_ERR_WEBHOOK_HTTP,
  PBX_ERR_WEBHOOK_NETWORK,
  PBX_ERR_WEBHOOK_TIMEOUT,
  PBX_ERR_WEBHOOK_TOO_LARGE,
} from './webhook-errors.js';
import { type WebhookAttempt, WebhookBodyTooLarge, WebhookPoster, WebhookTransportError } from './webhook-poster.js';
import type { WebhookResult } from './webhook-result.js';

/** Per-call options of {@link WebhookClient.post}. */
export interface PostOptions {
  /** Overrides the client's timeout for this hook. */
  timeoutMs?: number;
  /** Stable `webhook-id`, e.g. the StatusHook event id, so retries can be de-duplicated. @defaultValue a fresh `msg_…` id */
  id?: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** Which hook this is (`callhook`, `reghook`…): the `hook` label of the latency metric and the span's `dragon.hook`. @defaultValue `'webhook'` */
  hook?: string;
}

/** Posts JSON to webhooks. One instance per service; {@link WebhookClient.close} on shutdown. */
export interface WebhookClient {
  /**
   * POSTs `body` as JSON. Never retries (RegHook/CallHook decide a live call;
   * StatusHook retries are the queue's job) and never throws for hook-side
   * failures: the result says what happened.
   *
   * @throws PBX_ERR_WEBHOOK_BAD_URL when `url` is not an absolute http(s) URL (a config error)
   */
  post<T = unknown>(url: string, body: unknown, options?: PostOptions): Promise<WebhookResult<T>>;
  /** Destroys the keep-alive sockets. */
  close(): void;
}

const MAX_BODY_LOG = 4096;
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Bound on remembered hook URLs (a RegHook URL per domain, a CallHook per dialplan…). */
const MAX_CACHED_URLS = 1024;

/**
 * Creates a webhook client for hooks whose answer decides a call (RegHook,
 * CallHook): the shared {@link WebhookPoster} (keep-alive, timeouts, signing,
 * `traceparent`), with the answer read and classified into a {@link WebhookResult}.
 */
export function createWebhookClient(options: WebhookClientOptions = {}): WebhookClient {
  const timeoutMs = options.timeoutMs ?? 3000;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new RangeError(`timeoutMs must be a positive integer, got ${timeoutMs}`);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes <= 0) throw new RangeError(`maxBodyBytes must be a positive integer, got ${maxBodyBytes}`);
  // Decode once: a bad secret fails at boot, not on the first call.
  const key = options.signingSecret ? decodeSigningSecret(options.signingSecret) : undefined;
  const poster = new WebhookPoster({
    timeoutMs,
    key,
    userAgent: options.userAgent ?? 'DragonPBX',
    maxFreeSockets: options.maxFreeSockets ?? 16,
    ...(options.maxSockets !== undefined && { maxSockets: options.maxSockets }),
    scheduling: options.scheduling ?? 'lifo',
    tracer: sharedTracer,
    spansOnlyWhenExported: true,
  });

  // Services post to a handful of configured hook URLs, each many times a second:
  // parse each once (validity and its query-less form for spans), not twice per call.
  const spanUrls = new Map<string, string | null>();
  const spanUrl = (url: string): string | null => {
    let known = spanUrls.get(url);
    if (known === undefined) {
      known = isHttpUrl(url) ? stripQuery(url) : null;
      if (spanUrls.size >= MAX_CACHED_URLS) spanUrls.clear();
      spanUrls.set(url, known);
    }
    return known;
  };
  const logger = options.logger;
  const debugEnabled = () => logger !== undefined && (logger as Partial<Logger>).isLevelEnabled?.('debug') !== false;

  async function post<T>(url: string, body: unknown, po: PostOptions = {}): Promise<WebhookResult<T>> {
    const forSpan = spanUrl(url);
    if (forSpan === null) throw new PBX_ERR_WEBHOOK_BAD_URL(url);
    const webhookId = po.id ?? newWebhookId();
    const perCall = po.timeoutMs ?? timeoutMs;
    const started = performance.now();
    const result = await poster.post<WebhookResult<T>>(
      {
        url,
        body: JSON.stringify(body ?? null),
        id: webhookId,
        ...(po.headers && { headers: po.headers }),
        ...(po.timeoutMs !== undefined && { timeoutMs: po.timeoutMs }),
        readBody: true,
        maxBodyBytes,
        spanName: 'webhook POST',
        spanAttributes: { 'url.full': forSpan, 'dragon.hook': po.hook ?? 'webhook' },
      },
      (attempt) => {
        const r = toResult<T>(attempt, { url, webhookId, durationMs: Math.round(performance.now() - started) }, perCall);
        return r.ok ? { value: r } : { value: r, spanError: r.code };
      },
    );
    options.latency?.observe({ hook: po.hook ?? 'webhook', outcome: result.ok ? 'ok' : result.kind }, (performance.now() - started) / 1000);
    if (debugEnabled()) {
      logger!.debug({ url, webhookId, ok: result.ok, kind: result.ok ? undefined : result.kind, durationMs: result.durationMs }, 'webhook call');
    }
    return result;
  }

  return Object.freeze({ post, close: () => poster.close() });
}

type Common = { url: string; webhookId: string; durationMs: number };

function toResult<T>(attempt: WebhookAttempt, common: Common, timeoutMs: number): WebhookResult<T> {
  const { url } = common;
  if (!attempt.answer) {
    const err = attempt.error;
    if (err instanceof WebhookBodyTooLarge) {
      const message = new PBX_ERR_WEBHOOK_TOO_LARGE(url, err.limit).message;
      return { ok: false, kind: 'too-large', code: 'PBX_ERR_WEBHOOK_TOO_LARGE', message, statusCode: err.statusCode, limit: err.limit, ...common };
    }
    if (err instanceof WebhookTransportError && err.kind === 'timeout') {
      return { ok: false, kind: 'timeout', code: 'PBX_ERR_WEBHOOK_TIMEOUT', message: new PBX_ERR_WEBHOOK_TIMEOUT(url, timeoutMs).message, ...common };
    }
    const cause = err instanceof WebhookTransportError ? err.code : 'ERR_UNKNOWN';
    const detail = err instanceof Error ? `${cause} ${err.message}` : String(err);
    return { ok: false, kind: 'network', code: 'PBX_ERR_WEBHOOK_NETWORK', message: new PBX_ERR_WEBHOOK_NETWORK(url, detail).message, cause, ...common };
  }
  const { statusCode, body: raw } = attempt.answer;
  if (statusCode < 200 || statusCode > 299) {
    const message = new PBX_ERR_WEBHOOK_HTTP(url, statusCode).message;
    return { ok: false, kind: 'http-error', code: 'PBX_ERR_WEBHOOK_HTTP', message, statusCode, body: raw.slice(0, MAX_BODY_LOG), ...common };
  }
  if (raw.trim() === '') return { ok: true, statusCode, body: undefined, ...common };
  try {
    return { ok: true, statusCode, body: JSON.parse(raw) as T, ...common };
  } catch (err) {
    const message = new PBX_ERR_WEBHOOK_BAD_JSON(url, (err as Error).message).message;
    return { ok: false, kind: 'bad-json', code: 'PBX_ERR_WEBHOOK_BAD_JSON', message, statusCode, body: raw.slice(0, MAX_BODY_LOG), ...common };
  }
}

/** Query strings may carry tokens; spans keep only origin and path. */
function stripQuery(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

function isHttpUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}
