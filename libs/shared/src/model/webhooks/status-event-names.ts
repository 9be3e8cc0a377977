import { Type } from '@sinclair/typebox';

/**
 * Every StatusHook event name (docs/contract.md §3.3, spelled without the original's
 * stray trailing spaces, docs/contract.md §6.7), plus `script:invalid` (docs/contract.md §1.2 step 5).
 */
export const STATUS_EVENT_NAMES = [
  'playback:start',
  'playback:complete',
  'playback:failed',
  'connect:start',
  'connect:trying',
  'connect:answered',
  'connect:timeout',
  'connect:cancel',
  'connect:error',
  'connect:hangup',
  'connect:reinvite',
  'connect:refer',
  'connect:skipped',
  'connect:complete',
  'pause:start',
  'pause:complete',
  'response:start',
  'response:complete',
  'response:notsent',
  'record:armed',
  'record:starting',
  'record:active',
  'record:failed',
  'record:ended',
  'record:stopped',
  'pickup:start',
  'pickup:waiting',
  'pickup:notfound',
  'pickup:answered',
  'pickup:hangup',
  'pickup:error',
  'updateLeg:accepted',
  'updateLeg:failed',
  'script:invalid',
] as const;
export type StatusEventName = (typeof STATUS_EVENT_NAMES)[number];

/** Literal-union schema of a subset of event names. */
export function eventNameSchema(names: readonly StatusEventName[]) {
  return Type.Union(names.map((n) => Type.Literal(n)));
}

/** Any event name. */
export const StatusEventNameSchema = eventNameSchema(STATUS_EVENT_NAMES);
