import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { PBX_ERR_NATS_BAD_MESSAGE } from './nats-errors.js';

/**
 * A type guard used instead of a TypeBox schema. It may also throw; the
 * thrown message then becomes the error detail.
 */
export type PayloadGuard<T> = (value: unknown) => value is T;

/** Encodes values to JSON bytes and decodes + validates bytes back. */
export interface JsonCodec<T> {
  encode(value: T): Uint8Array;
  /**
   * Parses and validates. `subject` only labels the error.
   * @throws PBX_ERR_NATS_BAD_MESSAGE when the bytes are not JSON or fail validation
   */
  decode(data: Uint8Array, subject?: string): T;
  /**
   * Validates a value that is already parsed (e.g. one field of a decoded envelope).
   * @throws PBX_ERR_NATS_BAD_MESSAGE when it fails validation
   */
  check(value: unknown, subject?: string): T;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Serialises any value; `undefined` becomes `null` so the payload is always valid JSON. */
export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value ?? null));
}

/**
 * Parses JSON bytes without validation.
 * @throws PBX_ERR_NATS_BAD_MESSAGE on invalid UTF-8 or JSON
 */
export function decodeJson(data: Uint8Array, subject = '?'): unknown {
  let text: string;
  try {
    text = decoder.decode(data);
  } catch {
    throw new PBX_ERR_NATS_BAD_MESSAGE(subject, 'payload is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new PBX_ERR_NATS_BAD_MESSAGE(subject, `payload is not JSON (${(err as Error).message})`);
  }
}

/** Builds a codec from a TypeBox schema (compiled once) or a type-guard function. */
export function createJsonCodec<S extends TSchema>(schema: S): JsonCodec<Static<S>>;
export function createJsonCodec<T>(validator: PayloadGuard<T>): JsonCodec<T>;
export function createJsonCodec(rule: TSchema | PayloadGuard<unknown>): JsonCodec<unknown> {
  const validate = typeof rule === 'function' ? fromGuard(rule) : fromSchema(rule);
  const check = (value: unknown, subject = '?') => {
    const problem = validate(value);
    if (problem !== undefined) throw new PBX_ERR_NATS_BAD_MESSAGE(subject, problem);
    return value;
  };
  return Object.freeze({
    encode: encodeJson,
    decode: (data: Uint8Array, subject = '?') => check(decodeJson(data, subject), subject),
    check,
  });
}

/** Returns `undefined` when valid, otherwise a short description of the first problem. */
type Check = (value: unknown) => string | undefined;

function fromSchema(schema: TSchema): Check {
  const compiled = TypeCompiler.Compile(schema);
  return (value) => {
    if (compiled.Check(value)) return undefined;
    const first = compiled.Errors(value).First();
    return first ? `${first.path || '/'}: ${first.message}` : 'does not match schema';
  };
}

function fromGuard(guard: PayloadGuard<unknown>): Check {
  return (value) => {
    try {
      return guard(value) ? undefined : 'rejected by validator';
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  };
}
