import { randomUUID } from 'node:crypto';
import type { StatusEventName } from '@dragonpbx/shared/contracts';
import type { Logger } from 'pino';
import { PBX_ERR_STATUS_PUBLISH } from '../call-router-errors.js';
import type { StatusEventSink } from './status-event-sink.js';

/** A verb's `statusLabel`: a label string, `false` for no events, or unset. */
export type StatusLabel = string | false | undefined;

/** Collaborators of {@link CallEvents}. */
export interface CallEventsDeps {
  readonly sink: StatusEventSink;
  readonly logger: Pick<Logger, 'warn'>;
  /** Counts publish failures. */
  readonly onPublishFailed?: () => void;
}

/** What a call's events are tagged with. */
export interface CallEventsContext {
  readonly callId: string;
  readonly domain: string;
  /** The dialplan entry's StatusHook; without one no event is sent (docs/contract.md §3.3). */
  readonly statusHook?: string;
  /** The call span's W3C trace context; every envelope carries it, so each delivery joins the call's trace. */
  readonly traceparent?: string;
}

/**
 * One call's StatusHook events (docs/contract.md §3.3, docs/contract.md §6 "StatusHook
 * payload"): each body carries `callId`, `event`, `label` (only when the verb
 * has a string `statusLabel`), `seq` (per call, from 1, counting only events
 * actually sent), `timestamp` and `domain`. A verb with `statusLabel: false`
 * sends nothing. Publishing is fire-and-forget: it never delays or fails the
 * call; a failure is logged with `PBX_ERR_STATUS_PUBLISH` and counted.
 */
export class CallEvents {
  #ctx: CallEventsContext;
  readonly #deps: CallEventsDeps;
  #seq = 0;
  readonly #pending = new Set<Promise<void>>();

  constructor(ctx: CallEventsContext, deps: CallEventsDeps) {
    this.#ctx = ctx;
    this.#deps = deps;
  }

  /** Events sent so far. */
  get sent(): number {
    return this.#seq;
  }

  /** Sends `event` unless there is no StatusHook or the verb's label is `false`. */
  emit(event: StatusEventName, label: StatusLabel, extra: Record<string, unknown> = {}): void {
    const url = this.#ctx.statusHook;
    if (url === undefined || label === false) return;
    if (!/^https?:\/\//i.test(url)) return; // a file: StatusHook has nowhere to deliver to
    const seq = ++this.#seq;
    const timestamp = new Date().toISOString();
    const body: Record<string, unknown> = {
      callId: this.#ctx.callId,
      event,
      ...(typeof label === 'string' && { label }),
      ...extra,
      seq,
      timestamp,
      domain: this.#ctx.domain,
    };
    const id = randomUUID();
    const p = this.#deps.sink
      .publish({
        id,
        callId: this.#ctx.callId,
        seq,
        url,
        body,
        createdAt: timestamp,
        ...(this.#ctx.traceparent !== undefined && { traceparent: this.#ctx.traceparent }),
      })
      .catch((err: unknown) => {
        const e = new PBX_ERR_STATUS_PUBLISH(event, (err as Error)?.message ?? String(err));
        this.#deps.logger.warn({ code: e.code, callId: this.#ctx.callId, event, seq, err }, e.message);
        this.#deps.onPublishFailed?.();
      })
      .finally(() => this.#pending.delete(p));
    this.#pending.add(p);
  }

  /** Sends the events from now on to `statusHook` (a REST update-leg that names one). */
  useStatusHook(statusHook: string): void {
    this.#ctx = { ...this.#ctx, statusHook };
  }

  /** Resolves once every publish started so far has settled (for tests and drain). */
  async settled(): Promise<void> {
    await Promise.all([...this.#pending]);
  }
}
