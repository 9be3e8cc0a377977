import { type Static, Type } from '@sinclair/typebox';

// Building blocks shared by several verbs. Names follow the original's JSON keys.

/**
 * StatusHook label of a verb: a string is sent as `label` with each of the
 * verb's events; `false` turns the verb's events off (docs/contract.md §3.3).
 */
export const StatusLabelSchema = Type.Union([Type.String(), Type.Literal(false)], {
  description: 'StatusHook label for this verb, or false to send no events for it',
});

/** A header name is an RFC 3261 §25.1 `token`. */
const HEADER_NAME = "^[A-Za-z0-9!%*_+`'~.-]+$";

/** Extra SIP headers, `{ "X-Foo": "bar" }`. Values may not hold line breaks (header injection). */
export const SipHeadersSchema = Type.Record(
  Type.String({ pattern: HEADER_NAME }),
  Type.Union([Type.String({ pattern: '^[^\\r\\n]*$', description: 'a header value on one line' }), Type.Number()]),
  { additionalProperties: false, description: 'Extra SIP headers: name to value' },
);
export type SipHeaders = Static<typeof SipHeadersSchema>;

/**
 * A media file: `file:/name.wav` or `/name.wav` (both under MEDIA_PATH), or an
 * `http(s)://` URL that is fetched and cached (docs/contract.md §4.1).
 */
export const MediaUrlSchema = Type.String({
  pattern: '^(file:/|/|https?://)\\S+$',
  description: 'file:/name.wav, /name.wav or an http(s) URL',
});

/** A SIP or SIPS URI (RFC 3261 §19.1). */
export const SipUriSchema = Type.String({ pattern: '^sips?:\\S+$', description: 'a sip: or sips: URI' });

/** Codec names in preference order; `DIRECT` means no media anchoring. */
export const CodecNamesSchema = Type.Array(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._+/-]*$', description: 'a codec name' }), {
  minItems: 1,
  description: 'Codec names; DIRECT means no media anchoring',
});

/** Digest credentials (RFC 3261 §22.2). */
export const DigestCredentialsSchema = Type.Object(
  { username: Type.String({ minLength: 1 }), password: Type.String() },
  { additionalProperties: false },
);
