import { PBX_ERR_DIALPLAN_VALUE_INVALID } from './pattern-errors.js';

/**
 * What a dialplan key points at (docs/contract.md §2.4): a CallHook URL, or an object
 * naming the CallHook and optionally a StatusHook.
 */
export type DialplanValue = string | { readonly callHook: string; readonly statusHook?: string };

/** A dialplan target with both forms normalised. */
export interface DialplanTarget {
  readonly callHook: string;
  readonly statusHook?: string;
}

/** Validates one dialplan value and normalises it; throws `PBX_ERR_DIALPLAN_VALUE_INVALID`. */
export function toDialplanTarget(key: string, value: unknown): DialplanTarget {
  if (typeof value === 'string') {
    if (value.trim() === '') throw new PBX_ERR_DIALPLAN_VALUE_INVALID(key, 'empty URL');
    return Object.freeze({ callHook: value });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
    throw new PBX_ERR_DIALPLAN_VALUE_INVALID(key, `expected a URL string or {callHook, statusHook?}, got ${kind}`);
  }
  const { callHook, statusHook } = value as Record<string, unknown>;
  if (typeof callHook !== 'string' || callHook.trim() === '') {
    throw new PBX_ERR_DIALPLAN_VALUE_INVALID(key, 'callHook must be a non-empty string');
  }
  if (statusHook === undefined || statusHook === null) return Object.freeze({ callHook });
  if (typeof statusHook !== 'string' || statusHook.trim() === '') {
    throw new PBX_ERR_DIALPLAN_VALUE_INVALID(key, 'statusHook must be a non-empty string');
  }
  return Object.freeze({ callHook, statusHook });
}
