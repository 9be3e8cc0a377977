import { Type } from '@sinclair/typebox';

// Building blocks of the media RPC messages (`dragon.media.<op>`). Values end up
// in RTPEngine ng requests (bencoded), so lengths are bounded and line breaks
// are refused where they could smuggle extra SDP or log lines.

/** A SIP Call-ID (RFC 3261 §8.1.1.4): the key RTPEngine files the session under. */
export const MediaCallIdSchema = Type.String({
  minLength: 1,
  maxLength: 256,
  pattern: '^[!-~]+$',
  description: 'SIP Call-ID (printable ASCII, no spaces)',
});

/** A From/To tag (RFC 3261 §19.3) naming one side of the session. */
export const MediaTagSchema = Type.String({
  minLength: 1,
  maxLength: 256,
  pattern: '^[!-~]+$',
  description: 'SIP From/To tag (printable ASCII, no spaces)',
});

/** An SDP body (RFC 8866); must start with the `v=` line. */
export const MediaSdpSchema = Type.String({
  minLength: 4,
  maxLength: 65_536,
  pattern: '^v=0\\r?\\n',
  description: 'an SDP session description starting with v=0',
});

/** Codec names in preference order; `DIRECT` is the no-anchoring pseudo-codec. */
export const MediaCodecListSchema = Type.Array(
  Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._+/-]{0,31}$', description: 'a codec name' }),
  { maxItems: 32, description: 'codec names; DIRECT means no media anchoring' },
);

/** The engine that holds a session, `host:port` of its ng socket; `null` for direct media. */
export const MediaEngineIdSchema = Type.Union([Type.String({ minLength: 1 }), Type.Null()], {
  description: 'ng address (host:port) of the RTPEngine holding the call, null when media is direct',
});
