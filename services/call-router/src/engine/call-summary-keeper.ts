import { atTurnEnd } from '@dragonpbx/shared/platform';
import type { CallStore, CallSummary } from '@dragonpbx/shared/state';
import type { Logger } from 'pino';
import { PBX_ERR_CALL_STATE } from '../call-router-errors.js';

/**
 * Keeps one call's live summary in Redis (ARCHITECTURE "live-call summaries"):
 * written when the call is routed, refreshed at half its TTL while the call
 * lasts, removed when it ends. Writes are serialised, so a removal can never
 * be overtaken by an earlier write, and coalesced: changes made while a write
 * waits (routed, bridged, answered within milliseconds) go out as one write of
 * the latest summary, and a call that ends before its write left skips it.
 * A write waits `coalesceMs` (0: the rest of the event-loop turn), so the
 * changes of a call's first milliseconds (routed, answered, bridged) make one
 * write, then goes out at the end of a turn with the other calls' writes. Redis trouble is logged (`PBX_ERR_CALL_STATE`) and
 * never affects the call.
 */
export class CallSummaryKeeper {
  readonly #calls: Pick<CallStore, 'put' | 'remove'>;
  readonly #ttlSec: number;
  readonly #logger: Pick<Logger, 'warn'>;
  #summary: CallSummary | undefined;
  /** The summary last sent to Redis: its indexes are the ones to clean. */
  #written: CallSummary | undefined;
  /** A write is queued and has not started: it will send whatever #summary is then. */
  #writeQueued = false;
  #queue: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #coalesceMs: number;

  constructor(calls: Pick<CallStore, 'put' | 'remove'>, ttlSec: number, logger: Pick<Logger, 'warn'>, coalesceMs = 0) {
    this.#calls = calls;
    this.#ttlSec = ttlSec;
    this.#logger = logger;
    this.#coalesceMs = coalesceMs;
  }

  /** Writes (or rewrites) the summary and (re)arms the refresh timer. */
  put(summary: CallSummary): void {
    if (this.#closed) return;
    this.#summary = summary;
    this.#write('put');
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.#write('refresh'), (this.#ttlSec * 1000) / 2);
      this.#timer.unref();
    }
  }

  /** Rewrites the current summary with `change` (e.g. `connected` once answered); no-op before {@link put}. */
  update(change: Partial<Pick<CallSummary, 'state' | 'answeredAt' | 'extensions'>>): void {
    if (this.#summary !== undefined) this.put({ ...this.#summary, ...change });
  }

  /** Merges `change` into the summary's `extra` (e.g. the bridged B leg); no-op before {@link put}. */
  extra(change: Record<string, unknown>): void {
    if (this.#summary !== undefined) this.put({ ...this.#summary, extra: { ...this.#summary.extra, ...change } });
  }

  /** Stops refreshing and removes the summary; resolves when Redis has been told. */
  remove(): Promise<void> {
    if (this.#closed) return this.#queue;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#enqueue('remove', 0, () => {
      const written = this.#written;
      return written === undefined ? Promise.resolve() : this.#calls.remove(written.callId, written);
    });
    return this.#queue;
  }

  #write(what: 'put' | 'refresh'): void {
    if (this.#writeQueued) return;
    this.#writeQueued = true;
    this.#enqueue(what, this.#coalesceMs, () => {
      this.#writeQueued = false;
      const s = this.#summary;
      if (this.#closed || s === undefined) return Promise.resolve(); // the removal queued after it says the rest
      this.#written = s;
      return this.#calls.put(s, this.#ttlSec);
    });
  }

  #enqueue(what: string, waitMs: number, op: () => Promise<unknown>): void {
    // Each write leaves with the rest of the turn's Redis commands (auto-pipelined: one write).
    const run = () => atTurnEnd(op);
    const after = waitMs > 0 ? () => new Promise<void>((r) => setTimeout(r, waitMs)).then(run) : run;
    this.#queue = this.#queue.then(after).then(
      () => undefined,
      (err: unknown) => {
        const e = new PBX_ERR_CALL_STATE(what, (err as Error)?.message ?? String(err));
        this.#logger.warn({ code: e.code, callId: this.#summary?.callId, err }, e.message);
      },
    );
  }
}
