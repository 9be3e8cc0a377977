import type { PauseVerb } from '@dragonpbx/shared/contracts';
import type { VerbContext, VerbOutcome } from './verb-context.js';

/** Resolves after `ms`, or early (without error) when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * `pause` (docs/contract.md §4.4): waits `duration` seconds, sending no SIP and
 * playing no media. A caller CANCEL ends the wait at once (no
 * `pause:complete` then: the call is over).
 */
export async function runPause(verb: PauseVerb, ctx: VerbContext): Promise<VerbOutcome> {
  ctx.emit('pause:start', { duration: verb.duration });
  await sleep(verb.duration * 1000, ctx.signal);
  if (ctx.signal.aborted) return 'end';
  ctx.emit('pause:complete', { duration: verb.duration });
  return 'next';
}
