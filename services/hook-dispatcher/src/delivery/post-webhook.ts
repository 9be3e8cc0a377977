import type { StatusEnvelope } from '@dragonpbx/shared/contracts';
import { contextFromTraceparent } from '@dragonpbx/shared/platform';
import { type HookLatency, WebhookPoster, WebhookTransportError } from '@dragonpbx/shared/webhooks';
import type { Tracer } from '@opentelemetry/api';
import { parseRetryAfter } from './backoff.js';
import { DeliveryFailure } from './delivery-failure.js';
import { AttemptOutcome } from './delivery-outcome.js';

/** Options of {@link StatusHookPoster}. */
export interface StatusHookPosterOptions {
  /** HMAC key; requests are unsigned when undefined. */
  key: Buffer | undefined;
  /** Per-attempt timeout, ms. */
  timeoutMs: number;
  tracer: Tracer;
  /** Pooled keep-alive sockets per destination. @defaultValue 256 */
  maxSockets?: number;
  /** @defaultValue `'dragonpbx-hook-dispatcher'` */
  userAgent?: string;
  /** Times each attempt as `hook="statushook"` with outcome `ok`, `http-error`, `timeout`, `network` or `error`. */
  latency?: HookLatency;
}

/** Statuses worth retrying: RFC 9110 §15.5.9 (408), RFC 6585 §4 (429) and every 5xx. */
function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * POSTs StatusHook events through the shared {@link WebhookPoster}: one signed
 * request, one span in the call's trace, one classified result per attempt.
 * The answer's body is never read (drained, not buffered, not decompressed).
 */
export class StatusHookPoster {
  readonly #poster: WebhookPoster;
  readonly #latency: HookLatency | undefined;

  constructor(options: StatusHookPosterOptions) {
    this.#latency = options.latency;
    this.#poster = new WebhookPoster({
      key: options.key,
      timeoutMs: options.timeoutMs,
      tracer: options.tracer,
      // Keep-alive pools: most events go to a handful of hook servers.
      maxSockets: options.maxSockets ?? 256,
      userAgent: options.userAgent ?? 'dragonpbx-hook-dispatcher',
      decompress: false,
    });
  }

  /**
   * One attempt. Resolves with the status on 2xx; throws {@link DeliveryFailure} otherwise.
   * `attempt` is 1-based and recorded on the span.
   */
  async post(envelope: StatusEnvelope, attempt: number): Promise<number> {
    const started = this.#latency ? performance.now() : 0;
    const settled = await this.#poster.post<number | DeliveryFailure>(
      {
        url: envelope.url,
        body: JSON.stringify(envelope.body),
        id: envelope.id,
        readBody: false,
        spanName: 'statushook.deliver',
        spanAttributes: {
          'url.full': envelope.url,
          'dragon.call_id': envelope.callId,
          'dragon.event_id': envelope.id,
          'dragon.event_seq': envelope.seq,
          'dragon.attempt': attempt,
        },
        // Each attempt joins the call's trace, carried in the envelope.
        parent: contextFromTraceparent(envelope.traceparent),
        ...(envelope.traceparent && { traceparent: envelope.traceparent }),
      },
      ({ answer, error }) => {
        if (this.#latency) {
          const outcome = answer
            ? answer.statusCode >= 200 && answer.statusCode < 300
              ? 'ok'
              : 'http-error'
            : error instanceof WebhookTransportError
              ? error.kind
              : 'error';
          this.#latency.observe({ hook: 'statushook', outcome }, (performance.now() - started) / 1000);
        }
        if (answer && answer.statusCode >= 200 && answer.statusCode < 300) return { value: answer.statusCode };
        const failure = answer
          ? new DeliveryFailure(
              retryableStatus(answer.statusCode) ? AttemptOutcome.Retryable : AttemptOutcome.Permanent,
              `http_${answer.statusCode}`,
              `StatusHook answered ${answer.statusCode}`,
              answer.statusCode,
              parseRetryAfter(answer.headers['retry-after']),
            )
          : error instanceof WebhookTransportError
            ? new DeliveryFailure(AttemptOutcome.Retryable, error.kind === 'timeout' ? 'timeout' : error.code, error.message)
            : new DeliveryFailure(AttemptOutcome.Retryable, 'error', (error as Error).message);
        return { value: failure, spanError: failure.reason };
      },
    );
    if (settled instanceof DeliveryFailure) throw settled;
    return settled;
  }

  /** Closes pooled sockets. */
  close(): void {
    this.#poster.close();
  }
}
