import { compileValidator } from '../../schema/validator.js';
import { type Static, Type } from '@sinclair/typebox';
import { PBX_ERR_HOOK_EVENT_INVALID } from './status-event-errors.js';

/**
 * What the call-router publishes on `dragon.status.<domain>.<callId>` for each
 * StatusHook event. `body` is the StatusHook request body exactly as the hook
 * author receives it (see `docs/contract.md`, StatusHook: the original's fields plus `seq`, `timestamp`, `domain`).
 */
export const StatusEnvelopeSchema = Type.Object(
  {
    /** Stable event id: the `webhook-id` header on every attempt (uuid, ulid or similar). */
    id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,128}$' }),
    /** SIP Call-ID of the call the event belongs to. */
    callId: Type.String({ minLength: 1, maxLength: 512 }),
    /** Position of the event within its call, from 1. */
    seq: Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1 }),
    /** The StatusHook URL (http or https). */
    url: Type.String({ format: 'uri', pattern: '^[Hh][Tt][Tt][Pp][Ss]?://', maxLength: 2048 }),
    /** The JSON body POSTed to the StatusHook. */
    body: Type.Record(Type.String(), Type.Unknown()),
    /** When the event happened (RFC 3339); delivery latency is measured from here. */
    createdAt: Type.String({ format: 'date-time' }),
    /** W3C trace context of the call (`00-<trace-id>-<span-id>-<flags>`). */
    traceparent: Type.Optional(Type.String({ pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$' })),
  },
  { additionalProperties: true },
);

/** One StatusHook event as carried on the status stream. */
export type StatusEnvelope = Static<typeof StatusEnvelopeSchema>;

const validator = compileValidator(StatusEnvelopeSchema, { error: PBX_ERR_HOOK_EVENT_INVALID, name: 'envelope' });

/** Largest encoded envelope accepted (bytes); the stream's `max_msg_size` matches it. */
export const MAX_ENVELOPE_BYTES = 1024 * 1024;

/**
 * Decodes and validates one message payload. Throws `PBX_ERR_HOOK_EVENT_INVALID`
 * naming the offending JSON path; such a message can never be delivered, so the
 * caller terminates it instead of letting it be redelivered forever.
 */
export function decodeStatusEnvelope(data: Uint8Array | string): StatusEnvelope {
  return decodeStatusEnvelopeText(data).envelope;
}

/**
 * {@link decodeStatusEnvelope}, also returning the payload text it parsed, which is the
 * envelope's JSON as is (no need to serialize the decoded value again to store it).
 */
export function decodeStatusEnvelopeText(data: Uint8Array | string): { envelope: StatusEnvelope; json: string } {
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  if (size > MAX_ENVELOPE_BYTES) throw new PBX_ERR_HOOK_EVENT_INVALID(`larger than ${MAX_ENVELOPE_BYTES} bytes`);
  const json = typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new PBX_ERR_HOOK_EVENT_INVALID(`not JSON (${(err as Error).message})`);
  }
  const envelope = validator.parse(value);
  if (Number.isNaN(Date.parse(envelope.createdAt))) throw new PBX_ERR_HOOK_EVENT_INVALID('/createdAt: not a date');
  return { envelope, json };
}
