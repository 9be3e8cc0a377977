import { Type } from '@sinclair/typebox';

const Tag = Type.String({ minLength: 1, maxLength: 128 });
const CallId = Type.String({ minLength: 1, maxLength: 256 });
const Sdp = Type.String({ minLength: 1, maxLength: 65_536 });

/** `replace` on `dragon.calls.<owner>.replace` (engine/attended-transfer.ts `ReplaceRequest`). */
export const ReplaceRequestSchema = Type.Object(
  {
    replaces: Type.Object({ callId: CallId, toTag: Tag, fromTag: Tag }, { additionalProperties: false }),
    peer: Type.Object({ callId: CallId, domain: Type.String({ minLength: 1, maxLength: 253 }) }, { additionalProperties: false }),
    offer: Sdp,
    media: Type.Object({ callId: CallId, tag: Tag }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

/** The owner's reply to every command; `joined` (`ReplaceResult`) only to a `replace`. */
export const CommandReplySchema = Type.Object(
  {
    done: Type.Literal(true),
    joined: Type.Optional(Type.Object({ sdp: Sdp, tag: Tag, callId: CallId }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
