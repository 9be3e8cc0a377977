import type { TestSipMessage, TestSipRequest, TestSipResponse } from './test-sip-message.js';

/**
 * The messages a scripted UA has received and not yet consumed, and the wait
 * for the next one that matches: each arrival wakes every waiter to re-check.
 */
export class SipInbox<M extends TestSipMessage, Q extends M = M & TestSipRequest, R extends M = M & TestSipResponse> {
  readonly received: M[] = [];
  #waiters: Array<() => void> = [];

  constructor(private readonly owner: string) {}

  /** Records an arrival (or, with none, just wakes the waiters). */
  push(message?: M): void {
    if (message) this.received.push(message);
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  /** Removes and returns the first message matching `pred`, waiting up to `timeoutMs` for it. */
  async next<T extends M = M>(pred: (m: M) => boolean, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.received.findIndex(pred);
      if (i >= 0) return this.received.splice(i, 1)[0] as T;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.owner}: timed out waiting for message`);
      await new Promise<void>((res) => {
        const t = setTimeout(res, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          res();
        });
      });
    }
  }

  /** The next response with `status` (and CSeq method `method`, when given). */
  response(status: number, method?: string, timeoutMs?: number): Promise<R> {
    return this.next<R>(
      (m) => !m.isRequest && (m as unknown as TestSipResponse).status === status && (!method || (m.get('cseq') ?? '').endsWith(method)),
      timeoutMs,
    );
  }

  /** The next request with `method`. */
  request(method: string, timeoutMs?: number): Promise<Q> {
    return this.next<Q>((m) => m.isRequest && (m as unknown as TestSipRequest).method === method, timeoutMs);
  }

  /** Resolves true if nothing matching arrives within `ms`. */
  async nothing(pred: (m: M) => boolean, ms: number): Promise<boolean> {
    try {
      await this.next(pred, ms);
      return false;
    } catch {
      return true;
    }
  }
}
