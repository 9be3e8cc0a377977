import type { Verb } from '@dragonpbx/shared/contracts';
import { runAnnounce } from './announce/announce-verb.js';
import { runConnect } from './connect/connect-verb.js';
import { runPause } from './pause-verb.js';
import { runPickup } from './pickup/pickup-verb.js';
import { runRecord } from './record/record-verb.js';
import { runResponse } from './response-verb.js';
import type { VerbContext, VerbOutcome } from './verb-context.js';

/** Verbs this build executes; the others are valid CallScript but not built yet. */
export const SUPPORTED_VERBS: ReadonlySet<Verb['verb']> = new Set(['response', 'pause', 'connect', 'announce', 'record', 'pickup']);

/**
 * Runs one verb. A verb not built yet is logged and skipped, as the original skips a verb that cannot
 * be built (docs/contract.md §1.4 step 2).
 */
export async function runVerb(verb: Verb, ctx: VerbContext): Promise<VerbOutcome> {
  switch (verb.verb) {
    case 'response':
      return runResponse(verb, ctx);
    case 'pause':
      return runPause(verb, ctx);
    case 'connect':
      return runConnect(verb, ctx);
    case 'announce':
      return runAnnounce(verb, ctx);
    case 'record':
      return runRecord(verb, ctx);
    case 'pickup':
      return runPickup(verb, ctx);
    default:
      ctx.logger.warn({ callId: ctx.callId, verb: (verb as Verb).verb }, 'verb not supported yet; skipped');
      return 'next';
  }
}
