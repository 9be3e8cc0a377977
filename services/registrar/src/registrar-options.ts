import { compileCidrs, type CidrSet } from '@dragonpbx/shared/contracts';
import type { DigestAlgorithm } from '@dragonpbx/shared/sip';
import { PBX_ERR_REGISTRAR_OPTIONS } from './registrar-errors.js';

/** Pike-style flood limits (per source IP, shared across replicas through Redis). */
export interface FloodOptions {
  /**
   * Turn flood protection on.
   * @defaultValue true
   */
  readonly enabled: boolean;
  /** @defaultValue 2000 */
  readonly windowMs: number;
  /** Requests allowed per window; one more bans the source. @defaultValue 16 */
  readonly limit: number;
  /** How long a banned source gets no answer. @defaultValue 300000 (5 min) */
  readonly banMs: number;
}

/** Options of {@link Registrar}, as a caller may give them. */
export interface RegistrarOptionsInput {
  /** HMAC key of the stateless nonces, shared by every replica; ≥ 16 bytes. */
  readonly nonceSecret: string;
  /** @defaultValue 300 */
  readonly nonceLifetimeSec?: number;
  /** `REGISTRATION_MIN_SECS`. @defaultValue 30 */
  readonly minExpires?: number;
  /** `REGISTRATION_MAX_SECS`. @defaultValue 3600 */
  readonly maxExpires?: number;
  /** Requested expiry when the REGISTER carries none (RFC 3261 §10.2.1.1 leaves it to the registrar). @defaultValue 3600 */
  readonly defaultExpires?: number;
  /** `DEFAULT_CODECS`, used when a RegHook or client gives none (docs/contract.md §2.6). @defaultValue ['G722','PCMA','PCMU'] */
  readonly defaultCodecs?: readonly string[];
  /**
   * Challenge algorithms, most preferred first (RFC 8760 §2.4).
   * @defaultValue ['SHA-256', 'MD5']
   */
  readonly algorithms?: readonly DigestAlgorithm[];
  /** Seconds in `Retry-After` of a 503 when the RegHook is unreachable. @defaultValue 30 */
  readonly retryAfterSec?: number;
  /** RegHook timeout in ms (`HOOK_TIMEOUT_MS`). @defaultValue 3000 */
  readonly hookTimeoutMs?: number;
  readonly flood?: Partial<FloodOptions>;
  /** Source CIDRs never counted by the flood guard (trusted trunks, load balancers). @defaultValue [] */
  readonly trustedCidrs?: readonly string[];
  /**
   * Case-insensitive substrings of `User-Agent` that identify SIP scanners; such
   * requests are dropped. Empty turns the check off.
   * @defaultValue {@link DEFAULT_SCANNER_AGENTS}
   */
  readonly scannerAgents?: readonly string[];
  /** This process's id in events and trunk registration records (`INSTANCE_ID`). */
  readonly instanceId: string;
}

/** Validated, frozen options. */
export interface RegistrarOptions {
  readonly nonceSecret: string;
  readonly nonceLifetimeSec: number;
  readonly minExpires: number;
  readonly maxExpires: number;
  readonly defaultExpires: number;
  readonly defaultCodecs: readonly string[];
  readonly algorithms: readonly DigestAlgorithm[];
  readonly retryAfterSec: number;
  readonly hookTimeoutMs: number;
  readonly flood: FloodOptions;
  readonly trusted: CidrSet;
  readonly scannerAgents: readonly string[];
  readonly instanceId: string;
}

/** User-Agents of common SIP scanners and brute-forcers. */
export const DEFAULT_SCANNER_AGENTS: readonly string[] = Object.freeze([
  'friendly-scanner',
  'sipvicious',
  'sipcli',
  'sip-scan',
  'sipsak',
  'sundayddr',
  'iwar',
  'vaxsipuseragent',
  'pplsip',
  'smap',
]);

const posInt = (name: string, v: unknown, min = 1, max = Number.MAX_SAFE_INTEGER): number => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new PBX_ERR_REGISTRAR_OPTIONS(name, `expected an integer in [${min}, ${max}], got ${String(v)}`);
  }
  return v;
};

/** Validates `input`, applies the documented defaults and freezes the result. */
export function resolveRegistrarOptions(input: RegistrarOptionsInput): RegistrarOptions {
  if (typeof input.nonceSecret !== 'string' || Buffer.byteLength(input.nonceSecret) < 16) {
    throw new PBX_ERR_REGISTRAR_OPTIONS('nonceSecret', 'must be a string of at least 16 bytes');
  }
  if (typeof input.instanceId !== 'string' || input.instanceId === '') {
    throw new PBX_ERR_REGISTRAR_OPTIONS('instanceId', 'must be a non-empty string');
  }
  const minExpires = posInt('minExpires', input.minExpires ?? 30);
  const maxExpires = posInt('maxExpires', input.maxExpires ?? 3600, minExpires, 7 * 24 * 3600);
  const algorithms = input.algorithms ?? ['SHA-256', 'MD5'];
  if (algorithms.length === 0 || algorithms.some((a) => a !== 'SHA-256' && a !== 'MD5')) {
    throw new PBX_ERR_REGISTRAR_OPTIONS('algorithms', 'a non-empty list of SHA-256 and/or MD5');
  }
  const codecs = input.defaultCodecs ?? ['G722', 'PCMA', 'PCMU'];
  if (!Array.isArray(codecs) || codecs.some((c) => typeof c !== 'string' || c === '')) {
    throw new PBX_ERR_REGISTRAR_OPTIONS('defaultCodecs', 'must be an array of codec names');
  }
  const f = input.flood ?? {};
  const flood: FloodOptions = Object.freeze({
    enabled: f.enabled ?? true,
    windowMs: posInt('flood.windowMs', f.windowMs ?? 2000),
    limit: posInt('flood.limit', f.limit ?? 16),
    banMs: posInt('flood.banMs', f.banMs ?? 300_000),
  });
  let trusted: CidrSet;
  try {
    trusted = compileCidrs([...(input.trustedCidrs ?? [])]);
  } catch (err) {
    throw new PBX_ERR_REGISTRAR_OPTIONS('trustedCidrs', (err as Error).message);
  }
  const scanners = input.scannerAgents ?? DEFAULT_SCANNER_AGENTS;
  if (!Array.isArray(scanners) || scanners.some((s) => typeof s !== 'string' || s.trim() === '')) {
    throw new PBX_ERR_REGISTRAR_OPTIONS('scannerAgents', 'must be an array of non-empty strings');
  }
  return Object.freeze({
    nonceSecret: input.nonceSecret,
    nonceLifetimeSec: posInt('nonceLifetimeSec', input.nonceLifetimeSec ?? 300, 1, 86_400),
    minExpires,
    maxExpires,
    defaultExpires: posInt('defaultExpires', input.defaultExpires ?? 3600),
    defaultCodecs: Object.freeze([...codecs]),
    algorithms: Object.freeze([...algorithms]),
    retryAfterSec: posInt('retryAfterSec', input.retryAfterSec ?? 30),
    hookTimeoutMs: posInt('hookTimeoutMs', input.hookTimeoutMs ?? 3000),
    flood,
    trusted,
    scannerAgents: Object.freeze(scanners.map((s) => s.toLowerCase())),
    instanceId: input.instanceId,
  });
}
