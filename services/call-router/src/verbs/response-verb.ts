import type { ResponseVerb } from '@dragonpbx/shared/contracts';
import type { VerbContext, VerbOutcome } from './verb-context.js';

/**
 * `response` (docs/contract.md §4.3, docs/contract.md §6): sends a final 3xx–6xx with an optional
 * custom reason phrase and extra headers, and ends the script (later verbs do
 * not run). On an answered call there is no transaction left to answer: the
 * verb sends `response:notsent` and the script carries on.
 */
export function runResponse(verb: ResponseVerb, ctx: VerbContext): VerbOutcome {
  if (ctx.answered) {
    ctx.emit('response:notsent');
    return 'next';
  }
  ctx.emit('response:start');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(verb.headers ?? {})) headers[name] = String(value);
  if (!ctx.respond(verb.code, verb.reason, headers)) return 'end';
  ctx.emit('response:complete');
  return 'end';
}
