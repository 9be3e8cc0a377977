import { isAbsolute, join } from 'node:path';
import type { DigestAlgorithm } from '@dragonpbx/shared/sip';
import { PBX_ERR_CALL_ROUTER_OPTIONS } from './call-router-errors.js';

/** Options of {@link CallRouter}, as a caller may give them. */
export interface CallRouterOptionsInput {
  /** This process's id: owner of its calls in Redis (`INSTANCE_ID`). */
  readonly instanceId: string;
  /** HMAC key of the stateless digest nonces, the same on every replica; ≥ 16 bytes. */
  readonly nonceSecret: string;
  /** @defaultValue 300 */
  readonly nonceLifetimeSec?: number;
  /** Challenge algorithms, most preferred first (RFC 8760 §2.4). @defaultValue ['SHA-256', 'MD5'] */
  readonly algorithms?: readonly DigestAlgorithm[];
  /** CallHook and RegHook timeout in ms (`HOOK_TIMEOUT_MS`). @defaultValue 3000 */
  readonly hookTimeoutMs?: number;
  /** `Retry-After` seconds of a 503 (RegHook unreachable, draining). @defaultValue 30 */
  readonly retryAfterSec?: number;
  /** Directory of `file:` CallHook templates (`FILE_PATH`). @defaultValue process.cwd() */
  readonly filePath?: string;
  /** Directory of announcement files (`MEDIA_PATH`). @defaultValue `<cwd>/media` */
  readonly mediaPath?: string;
  /** Where downloaded http(s) announcements are kept, converted (`MEDIA_CACHE_PATH`); RTPEngine must see the same path. @defaultValue `<mediaPath>/.http-cache` */
  readonly mediaCachePath?: string;
  /** Retries after the first CallHook fetch (docs/contract.md §1.5). @defaultValue 3 */
  readonly maxRetries?: number;
  /** Lifetime of a live-call summary in Redis; refreshed at half of it while the call lasts. @defaultValue 7200 */
  readonly callSummaryTtlSec?: number;
  /** `DEFAULT_CODECS`: the caller's codecs when its registration or trunk names none (docs/contract.md §6). @defaultValue ['G722', 'PCMA', 'PCMU'] */
  readonly defaultCodecs?: readonly string[];
  /**
   * `DEFAULT_RINGTONE`: the ringback `connect` plays while a destination rings,
   * unless the verb names a `ringtone` (docs/contract.md §4.2). @defaultValue 'file:/uk.wav'
   */
  readonly defaultRingtone?: string;
  /** NATS subject prefix of the status events (tests, tenants). @defaultValue '' */
  readonly subjectPrefix?: string;
}

/** Validated, frozen options. */
export type CallRouterOptions = Required<CallRouterOptionsInput>;

const int = (name: string, v: unknown, min: number, max: number): number => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new PBX_ERR_CALL_ROUTER_OPTIONS(name, `expected an integer in [${min}, ${max}], got ${String(v)}`);
  }
  return v;
};

/** Validates `input`, applies the documented defaults and freezes the result. */
export function resolveCallRouterOptions(input: CallRouterOptionsInput): CallRouterOptions {
  if (typeof input.instanceId !== 'string' || input.instanceId === '') {
    throw new PBX_ERR_CALL_ROUTER_OPTIONS('instanceId', 'must be a non-empty string');
  }
  if (typeof input.nonceSecret !== 'string' || Buffer.byteLength(input.nonceSecret) < 16) {
    throw new PBX_ERR_CALL_ROUTER_OPTIONS('nonceSecret', 'must be a string of at least 16 bytes');
  }
  const algorithms = input.algorithms ?? ['SHA-256', 'MD5'];
  if (algorithms.length === 0 || algorithms.some((a) => a !== 'SHA-256' && a !== 'MD5')) {
    throw new PBX_ERR_CALL_ROUTER_OPTIONS('algorithms', 'a non-empty list of SHA-256 and/or MD5');
  }
  const filePath = input.filePath ?? process.cwd();
  if (typeof filePath !== 'string' || !isAbsolute(filePath)) {
    throw new PBX_ERR_CALL_ROUTER_OPTIONS('filePath', 'must be an absolute directory path');
  }
  const codecs = input.defaultCodecs ?? ['G722', 'PCMA', 'PCMU'];
  if (!Array.isArray(codecs) || codecs.length === 0 || codecs.some((c) => typeof c !== 'string' || c === '')) {
    throw new PBX_ERR_CALL_ROUTER_OPTIONS('defaultCodecs', 'must be a non-empty array of codec names');
  }
  const mediaPath = input.mediaPath ?? join(process.cwd(), 'media');
  if (typeof mediaPath !== 'string' || !isAbsolute(mediaPath)) {
    throw new PBX_ERR_CALL_ROUTER_OPTIONS('mediaPath', 'must be an absolute directory path');
  }
  const mediaCachePath = input.mediaCachePath ?? join(mediaPath, '.http-cache');
  if (typeof mediaCachePath !== 'string' || !isAbsolute(mediaCachePath)) {
    throw new PBX_ERR_CALL_ROUTER_OPTIONS('mediaCachePath', 'must be an absolute directory path');
  }
  const defaultRingtone = input.defaultRingtone ?? 'file:/uk.wav';
  if (typeof defaultRingtone !== 'string' || !/^((file:)?\/\S|https?:\/\/\S)/i.test(defaultRingtone)) {
    throw new PBX_ERR_CALL_ROUTER_OPTIONS('defaultRingtone', 'must be file:/name.wav, /name.wav (under mediaPath) or an http(s) URL');
  }
  return Object.freeze({
    mediaPath,
    mediaCachePath,
    defaultRingtone,
    defaultCodecs: Object.freeze([...codecs]),
    instanceId: input.instanceId,
    nonceSecret: input.nonceSecret,
    nonceLifetimeSec: int('nonceLifetimeSec', input.nonceLifetimeSec ?? 300, 1, 86_400),
    algorithms: Object.freeze([...algorithms]),
    hookTimeoutMs: int('hookTimeoutMs', input.hookTimeoutMs ?? 3000, 1, 600_000),
    retryAfterSec: int('retryAfterSec', input.retryAfterSec ?? 30, 1, 86_400),
    filePath,
    maxRetries: int('maxRetries', input.maxRetries ?? 3, 0, 3),
    callSummaryTtlSec: int('callSummaryTtlSec', input.callSummaryTtlSec ?? 7200, 2, 7 * 86_400),
    subjectPrefix: input.subjectPrefix ?? '',
  });
}
