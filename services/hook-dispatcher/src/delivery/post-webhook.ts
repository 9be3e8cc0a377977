import http from 'node:http';
import { signWebhookHeaders } from '@dragonpbx/shared/webhooks';
import https from 'node:https';
import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import got, { type Got, type PlainResponse, RequestError } from 'got';
import type { StatusEnvelope } from '@dragonpbx/shared/contracts';
import { contextFromTraceparent, formatTraceparent } from '../observability/trace-context.js';
import { parseRetryAfter } from './backoff.js';
import { DeliveryFailure } from './delivery-failure.js';
import { AttemptOutcome } from './delivery-outcome.js';

/** Options of {@link WebhookPoster}. */
export interface WebhookPosterOptions {
  /** HMAC key; requests are unsigned when undefined. */
  key: Buffer | undefined;
  /** Per-attempt timeout, ms. */
  timeoutMs: number;
  tracer: Tracer;
  /** Pooled keep-alive sockets per destination. @defaultValue 256 */
  maxSockets?: number;
  /** @defaultValue `'dragonpbx-hook-dispatcher'` */
  userAgent?: string;
}

/** Statuses worth retrying: RFC 9110 §15.5.9 (408), RFC 6585 §4 (429) and every 5xx. */
function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** POSTs StatusHook events: one signed request, one span, one classified result per call. */
export class WebhookPoster {
  private readonly client: Got;
  private readonly options: WebhookPosterOptions;
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(options: WebhookPosterOptions) {
    this.options = options;
    // Keep-alive pools: most events go to a handful of hook servers.
    this.agents = {
      http: new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 256 }),
      https: new https.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 256 }),
    };
    this.client = got.extend({
      agent: this.agents,
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: false,
      // The answer's body is never read: no accept-encoding, no decompression stream per response.
      decompress: false,
      timeout: { request: options.timeoutMs },
      headers: { 'user-agent': options.userAgent ?? 'dragonpbx-hook-dispatcher' },
    });
  }

  /**
   * One attempt. Resolves on 2xx; throws {@link DeliveryFailure} otherwise.
   * `attempt` is 1-based and recorded on the span.
   */
  async post(envelope: StatusEnvelope, attempt: number): Promise<number> {
    const body = JSON.stringify(envelope.body);
    const span = this.options.tracer.startSpan(
      'statushook.deliver',
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'http.request.method': 'POST',
          'url.full': envelope.url,
          'dragon.call_id': envelope.callId,
          'dragon.event_id': envelope.id,
          'dragon.event_seq': envelope.seq,
          'dragon.attempt': attempt,
        },
      },
      contextFromTraceparent(envelope.traceparent),
    );
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.key) Object.assign(headers, signWebhookHeaders(this.options.key, body, { id: envelope.id }));
    else headers['webhook-id'] = envelope.id;
    const tp = formatTraceparent(span.spanContext()) ?? envelope.traceparent;
    if (tp) headers.traceparent = tp;
    try {
      const res = await this.#send(envelope.url, body, headers);
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 200 && res.statusCode < 300) {
        span.setStatus({ code: SpanStatusCode.OK });
        return res.statusCode;
      }
      const outcome = retryableStatus(res.statusCode) ? AttemptOutcome.Retryable : AttemptOutcome.Permanent;
      throw new DeliveryFailure(
        outcome,
        `http_${res.statusCode}`,
        `StatusHook answered ${res.statusCode}`,
        res.statusCode,
        parseRetryAfter(res.headers['retry-after']),
      );
    } catch (err) {
      const failure =
        err instanceof DeliveryFailure
          ? err
          : err instanceof RequestError
            ? new DeliveryFailure(
                AttemptOutcome.Retryable,
                err.name === 'TimeoutError' ? 'timeout' : (err.code ?? 'network'),
                err.message,
              )
            : new DeliveryFailure(AttemptOutcome.Retryable, 'error', (err as Error).message);
      span.setStatus({ code: SpanStatusCode.ERROR, message: failure.reason });
      throw failure;
    } finally {
      span.end();
    }
  }

  /**
   * One POST through got's stream interface: the answer's body is drained and never
   * buffered, which costs less CPU per request than the promise interface.
   * Resolves with the response head; rejects with got's RequestError.
   */
  #send(url: string, body: string, headers: Record<string, string>): Promise<PlainResponse> {
    return new Promise((resolve, reject) => {
      const stream = this.client.stream.post(url, { body, headers });
      // Kept for the stream's whole life: an error after the head (e.g. the body timing
      // out) must not become an unhandled 'error' event.
      stream.on('error', reject);
      stream.once('response', (res: PlainResponse) => {
        stream.resume();
        resolve(res);
      });
    });
  }

  /** Closes pooled sockets. */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
