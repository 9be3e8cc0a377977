import type { ConnectDest, PickupVerb } from '@dragonpbx/shared/contracts';
import type { CallSummary } from '@dragonpbx/shared/state';

/**
 * What a pickup takes: a leg still ringing at the extension, the bridged leg answered there, or
 * (outbound takeover) the far end of a call the extension placed, once it answers.
 */
export type PickupKind = 'ringing' | 'connected' | 'outbound';

/** A call a pickup may take over, as its live summary shows it. */
export interface PickupCandidate {
  readonly summary: CallSummary;
  readonly ext: string;
  readonly kind: PickupKind;
}

/** The `extra` keys a call's summary publishes for pickup (docs/contract.md §4.6). */
export interface PickupSummaryExtra {
  /** Client extensions a `connect` of the call is ringing. */
  readonly ringing?: readonly string[];
  /** The bridged B leg (a `client` destination names its extension). */
  readonly endpointB?: ConnectDest | null;
  /** Who called: a client names its extension. */
  readonly caller?: { readonly client?: string };
}

/** The extensions a verb's `target` names, in order, without repeats. */
export function pickupTargets(verb: Pick<PickupVerb, 'target'>): string[] {
  return [...new Set(Array.isArray(verb.target) ? verb.target : [verb.target])];
}

/** How `summary` involves extension `ext`: ringing there, connected there, or not at all. */
export function pickupKindOf(summary: CallSummary, ext: string): PickupKind | undefined {
  const extra = (summary.extra ?? {}) as PickupSummaryExtra;
  const b = extra.endpointB;
  if (b != null && b.type === 'client' && b.address === ext) return 'connected';
  if (Array.isArray(extra.ringing) && extra.ringing.includes(ext)) return 'ringing';
  if (summary.state === 'ringing' && extra.caller?.client === ext) return 'outbound';
  return undefined;
}

/**
 * The calls `ext` could give up under the `state` filter, oldest first; the
 * picker's own call (`ownCallId`) never counts.
 */
export function pickupCandidates(summaries: readonly CallSummary[], ext: string, state: PickupVerb['state'], ownCallId: string): PickupCandidate[] {
  const out: PickupCandidate[] = [];
  for (const summary of summaries) {
    if (summary.callId === ownCallId) continue;
    const kind = pickupKindOf(summary, ext);
    if (kind === undefined) continue;
    // An outbound takeover takes a call that is still ringing.
    if (state !== undefined && state !== 'any' && state !== (kind === 'connected' ? 'connected' : 'ringing')) continue;
    out.push({ summary, ext, kind });
  }
  return out.sort((x, y) => x.summary.startedAt - y.summary.startedAt);
}

/** The client extensions among `dests` (a `connect`'s ringing legs). */
export function clientExtensions(dests: readonly ConnectDest[]): string[] {
  return [...new Set(dests.filter((d) => d.type === 'client').map((d) => d.address))];
}
