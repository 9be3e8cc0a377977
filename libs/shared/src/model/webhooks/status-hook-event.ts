import { type Static, type TProperties, Type } from '@sinclair/typebox';
import { ConnectDestSchema } from '../verbs/connect-dest.js';
import { PICKUP_STATES } from '../verbs/pickup.js';
import { eventNameSchema, type StatusEventName } from './status-event-names.js';

/** A failure as StatusHooks report it; non-SIP failures use 500 (docs/contract.md §3.3). */
export const HookErrorSchema = Type.Object(
  {
    status: Type.Integer({ minimum: 100, maximum: 699, description: 'SIP status (500 for non-SIP failures)' }),
    reason: Type.String(),
  },
  { description: 'A SIP failure: status code and reason phrase' },
);
export type HookError = Static<typeof HookErrorSchema>;

// Fields every event carries (docs/contract.md §3.3): the call, the verb's label when it has
// one, a per-call sequence number from 1 for ordering and de-duplication, the
// time, and the domain.
const base = {
  callId: Type.String({ description: "SIP Call-ID of the caller's leg" }),
  label: Type.Optional(Type.String({ description: "The verb's statusLabel" })),
  seq: Type.Integer({ minimum: 1, description: 'Per-call sequence number, from 1' }),
  timestamp: Type.String({ format: 'date-time', description: 'an ISO 8601 date-time' }),
  domain: Type.String({ description: 'SIP domain of the call' }),
};

function group<P extends TProperties>(names: StatusEventName[], extra: P) {
  return Type.Object({ ...base, event: eventNameSchema(names), ...extra });
}

const dest = ConnectDestSchema;
const index = Type.Integer({ minimum: 0, description: 'Position of the leg in the fork' });
const req = Type.String({ description: 'The raw SIP request text' });
const error = HookErrorSchema;
const ms = Type.Number({ minimum: 0, description: 'Milliseconds' });
const seconds = Type.Number({ minimum: 0, description: 'Seconds' });
const sessionId = Type.String({ description: 'SIPREC session id' });
const target = Type.Union([Type.String(), Type.Array(Type.String())], {
  description: "The verb's target extension(s)",
});
const state = Type.Union(
  PICKUP_STATES.map((s) => Type.Literal(s)),
  { description: 'State of the call that was matched' },
);

/**
 * Body of a StatusHook POST: one event of a call's verbs (docs/contract.md §3.3),
 * discriminated on `event`. Extra fields may be added later.
 */
export const StatusHookEventSchema = Type.Union(
  [
    group(
      [
        'playback:start',
        'connect:start',
        'connect:skipped',
        'connect:complete',
        'response:start',
        'response:complete',
        'response:notsent',
        'pickup:start',
        'pickup:waiting',
        'updateLeg:accepted',
      ],
      {},
    ),
    group(['playback:complete'], { duration: ms }),
    group(['playback:failed', 'pickup:error'], { error }),
    group(['connect:trying', 'connect:answered', 'connect:timeout'], { dest, index }),
    group(['connect:cancel'], { index }),
    group(['connect:error'], { dest, index, error }),
    group(['connect:hangup'], { endedby: Type.Union([Type.Literal('A'), Type.Literal('B')]) }),
    group(['connect:reinvite', 'connect:refer'], { req }),
    group(['pause:start', 'pause:complete'], { duration: seconds }),
    group(['record:armed', 'record:starting', 'record:active'], { sessionId }),
    group(['record:failed'], { sessionId: Type.Optional(sessionId), error }),
    group(['record:ended', 'record:stopped'], {
      sessionId,
      endedBy: Type.Optional(Type.String({ description: 'Who ended the recording' })),
    }),
    group(['pickup:notfound', 'pickup:answered'], { target, state }),
    group(['pickup:hangup'], { endedby: Type.Union([Type.Literal('picker'), Type.Literal('remote')]) }),
    group(['updateLeg:failed'], { leg: Type.Union([Type.Literal('A'), Type.Literal('B')]), error }),
    group(['script:invalid'], {
      error,
      issues: Type.Optional(
        Type.Array(Type.Object({ path: Type.String(), message: Type.String() }), {
          description: 'Each offending JSON path of the CallScript',
        }),
      ),
    }),
  ],
  { title: 'StatusHook event', description: 'Body POSTed to a StatusHook' },
);
export type StatusHookEvent = Static<typeof StatusHookEventSchema>;
