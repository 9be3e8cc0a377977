import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { SpanKind, SpanStatusCode, type TextMapSetter, context, propagation } from '@opentelemetry/api';
import got, { type Got, RequestError, TimeoutError } from 'got';
import type { Logger } from 'pino';
import { sharedTracer } from '../observability/tracer.js';
import { newWebhookId, signWebhook } from './sign-webhook.js';
import { decodeSigningSecret } from './signing-secret.js';
import type { WebhookClientOptions } from './webhook-client-options.js';
import { PBX_ERR_WEBHOOK_BAD_JSON, PBX_ERR_WEBHOOK_BAD_URL, PBX_ERR_WEBHOOK_HTTP, PBX_ERR_WEBHOOK_NETWORK, PBX_ERR_WEBHOOK_TIMEOUT } from './webhook-errors.js';
import type { WebhookResult } from './webhook-result.js';

/** Per-call options of {@link WebhookClient.post}. */
export interface PostOptions {
  /** Overrides the client's timeout for this hook. */
  timeoutMs?: number;
  /** Stable `webhook-id`, e.g. the StatusHook event id, so retries can be de-duplicated. @defaultValue a fresh `msg_…` id */
  id?: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
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
/** Bound on remembered hook URLs (a RegHook URL per domain, a CallHook per dialplan…). */
const MAX_CACHED_URLS = 1024;

const headerSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/** Creates a webhook client with keep-alive agents, timeouts, signing and `traceparent`. */
export function createWebhookClient(options: WebhookClientOptions = {}): WebhookClient {
  const timeoutMs = options.timeoutMs ?? 3000;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new RangeError(`timeoutMs must be a positive integer, got ${timeoutMs}`);
  // Decode once: a bad secret fails at boot, not on the first call.
  const key = options.signingSecret ? decodeSigningSecret(options.signingSecret) : undefined;
  if (options.maxSockets !== undefined && (!Number.isInteger(options.maxSockets) || options.maxSockets < 1)) {
    throw new RangeError(`maxSockets must be a positive integer, got ${options.maxSockets}`);
  }
  const agentOpts = {
    keepAlive: true,
    maxFreeSockets: options.maxFreeSockets ?? 16,
    ...(options.maxSockets !== undefined && { maxSockets: options.maxSockets }),
    scheduling: options.scheduling ?? 'lifo',
  };
  if (agentOpts.scheduling !== 'fifo' && agentOpts.scheduling !== 'lifo') {
    throw new RangeError(`scheduling must be 'fifo' or 'lifo', got ${String(agentOpts.scheduling)}`);
  }
  const agent = { http: new HttpAgent(agentOpts), https: new HttpsAgent(agentOpts) };
  const http: Got = got.extend({
    agent,
    retry: { limit: 0 },
    throwHttpErrors: false,
    followRedirect: false,
    responseType: 'text',
    headers: { 'user-agent': options.userAgent ?? 'DragonPBX', 'content-type': 'application/json' },
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

  function post<T>(url: string, body: unknown, po: PostOptions = {}): Promise<WebhookResult<T>> {
    const forSpan = spanUrl(url);
    if (forSpan === null) return Promise.reject(new PBX_ERR_WEBHOOK_BAD_URL(url));
    // A CLIENT span per call; `traceparent` below carries its id to the hook.
    return sharedTracer().startActiveSpan(
      'webhook POST',
      { kind: SpanKind.CLIENT, attributes: { 'http.request.method': 'POST', 'url.full': forSpan } },
      async (span) => {
        const result = await send<T>(url, body, po);
        if (result.ok || result.kind === 'http-error' || result.kind === 'bad-json') {
          span.setAttribute('http.response.status_code', result.statusCode);
        }
        if (!result.ok) span.setStatus({ code: SpanStatusCode.ERROR, message: result.code });
        span.end();
        return result;
      },
    );
  }

  async function send<T>(url: string, body: unknown, po: PostOptions): Promise<WebhookResult<T>> {
    const text = JSON.stringify(body ?? null);
    const webhookId = po.id ?? newWebhookId();
    const ts = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = { ...po.headers, 'webhook-id': webhookId, 'webhook-timestamp': String(ts) };
    if (key) headers['webhook-signature'] = signWebhook(key, webhookId, ts, text);
    propagation.inject(context.active(), headers, headerSetter);
    const perCall = po.timeoutMs ?? timeoutMs;
    const started = performance.now();
    const common = () => ({ url, webhookId, durationMs: Math.round(performance.now() - started) });
    let result: WebhookResult<T>;
    try {
      const res = await http.post(url, { body: text, headers, timeout: { request: perCall } });
      result = toResult<T>(res.statusCode, res.body, common());
    } catch (err) {
      if (err instanceof TimeoutError) {
        result = { ok: false, kind: 'timeout', code: 'PBX_ERR_WEBHOOK_TIMEOUT', message: new PBX_ERR_WEBHOOK_TIMEOUT(url, perCall).message, ...common() };
      } else {
        const cause = err instanceof RequestError ? err.code : 'ERR_UNKNOWN';
        const detail = err instanceof Error ? `${cause} ${err.message}` : String(err);
        result = { ok: false, kind: 'network', code: 'PBX_ERR_WEBHOOK_NETWORK', message: new PBX_ERR_WEBHOOK_NETWORK(url, detail).message, cause, ...common() };
      }
    }
    if (debugEnabled()) {
      logger!.debug({ url, webhookId, ok: result.ok, kind: result.ok ? undefined : result.kind, durationMs: result.durationMs }, 'webhook call');
    }
    return result;
  }

  return Object.freeze({
    post,
    close() {
      agent.http.destroy();
      agent.https.destroy();
    },
  });
}

function toResult<T>(
  statusCode: number,
  raw: string,
  common: { url: string; webhookId: string; durationMs: number },
): WebhookResult<T> {
  if (statusCode < 200 || statusCode > 299) {
    const message = new PBX_ERR_WEBHOOK_HTTP(common.url, statusCode).message;
    return { ok: false, kind: 'http-error', code: 'PBX_ERR_WEBHOOK_HTTP', message, statusCode, body: raw.slice(0, MAX_BODY_LOG), ...common };
  }
  if (raw.trim() === '') return { ok: true, statusCode, body: undefined, ...common };
  try {
    return { ok: true, statusCode, body: JSON.parse(raw) as T, ...common };
  } catch (err) {
    const message = new PBX_ERR_WEBHOOK_BAD_JSON(common.url, (err as Error).message).message;
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
