import { createHmac } from 'node:crypto';
import type { Env } from '@dragonpbx/shared/platform';
import type { DigestAlgorithm } from '@dragonpbx/shared/sip';
import { PBX_ERR_REGISTRAR_OPTIONS } from './registrar-errors.js';
import type { RegistrarOptionsInput } from './registrar-options.js';
import type { TrunkRegistrarOptionsInput } from './trunk/trunk-registrar-options.js';

/** Registrar settings read from the environment on top of the shared {@link Env}. */
export interface RegistrarEnvOptions {
  readonly registrar: RegistrarOptionsInput;
  readonly trunks: TrunkRegistrarOptionsInput;
  /** Redis key prefix (`REDIS_KEY_PREFIX`). @defaultValue '' */
  readonly keyPrefix: string;
  /** `METRICS_PORT`. @defaultValue 9402 */
  readonly metricsPort: number;
  /** True when the nonce secret was derived from `DRACHTIO_SECRET` (a warning at boot). */
  readonly derivedNonceSecret: boolean;
}

type Vars = Readonly<Record<string, string | undefined>>;

const text = (vars: Vars, name: string): string | undefined => {
  const v = vars[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
};

const int = (vars: Vars, name: string, fallback: number): number => {
  const v = text(vars, name);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v)) throw new PBX_ERR_REGISTRAR_OPTIONS(name, `expected a whole number, got "${v}"`);
  return Number(v);
};

const list = (vars: Vars, name: string): string[] | undefined => {
  const v = text(vars, name);
  if (v === undefined) return undefined;
  if (v.toLowerCase() === 'none') return [];
  return v.split(',').map((s) => s.trim()).filter(Boolean);
};

const bool = (vars: Vars, name: string, fallback: boolean): boolean => {
  const v = text(vars, name)?.toLowerCase();
  if (v === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new PBX_ERR_REGISTRAR_OPTIONS(name, `expected true or false, got "${v}"`);
};

/**
 * Maps the environment onto registrar options. Variables (all optional):
 * `REGISTRAR_NONCE_SECRET` (≥ 16 bytes, the same on every replica; derived
 * from `DRACHTIO_SECRET` when unset), `NONCE_LIFETIME_SECS` (300),
 * `FLOOD_PROTECTION` (true), `FLOOD_LIMIT` (16), `FLOOD_WINDOW_MS` (2000),
 * `FLOOD_BAN_SECS` (300), `FLOOD_TRUSTED_CIDRS` (comma list), `SCANNER_USER_AGENTS`
 * (comma list, `none` turns it off), `DIGEST_ALGORITHMS` (`SHA-256,MD5`;
 * put MD5 first for UAs such as SIPp 3.6 that only try the topmost challenge),
 * `REGISTRATION_DEFAULT_SECS` (3600),
 * `TRUNK_LEASE_SECS` (30), `REDIS_KEY_PREFIX` (''), plus the shared
 * `REGISTRATION_MIN_SECS`, `REGISTRATION_MAX_SECS`, `DEFAULT_CODECS`,
 * `HOOK_TIMEOUT_MS`, `REGTRUNKEXPIRES`, `INSTANCE_ID`, `METRICS_PORT`.
 * Throws `PBX_ERR_REGISTRAR_OPTIONS` naming the bad variable.
 */
export function registrarEnvOptions(env: Env, vars: Vars): RegistrarEnvOptions {
  const explicit = text(vars, 'REGISTRAR_NONCE_SECRET');
  const nonceSecret = explicit ?? createHmac('sha256', env.DRACHTIO_SECRET).update('dragonpbx registrar nonce').digest('hex');
  const trusted = list(vars, 'FLOOD_TRUSTED_CIDRS');
  const scanners = list(vars, 'SCANNER_USER_AGENTS');
  const algorithms = list(vars, 'DIGEST_ALGORITHMS')?.map((a) => a.toUpperCase()) as DigestAlgorithm[] | undefined;
  return Object.freeze({
    registrar: {
      nonceSecret,
      instanceId: env.INSTANCE_ID,
      nonceLifetimeSec: int(vars, 'NONCE_LIFETIME_SECS', 300),
      minExpires: env.REGISTRATION_MIN_SECS,
      maxExpires: env.REGISTRATION_MAX_SECS,
      defaultExpires: int(vars, 'REGISTRATION_DEFAULT_SECS', 3600),
      defaultCodecs: env.DEFAULT_CODECS,
      hookTimeoutMs: env.HOOK_TIMEOUT_MS,
      flood: {
        enabled: bool(vars, 'FLOOD_PROTECTION', true),
        limit: int(vars, 'FLOOD_LIMIT', 16),
        windowMs: int(vars, 'FLOOD_WINDOW_MS', 2000),
        banMs: int(vars, 'FLOOD_BAN_SECS', 300) * 1000,
      },
      ...(trusted && { trustedCidrs: trusted }),
      ...(scanners && { scannerAgents: scanners }),
      ...(algorithms && { algorithms }),
    },
    trunks: {
      instanceId: env.INSTANCE_ID,
      defaultExpires: env.REGTRUNKEXPIRES,
      leaseTtlMs: int(vars, 'TRUNK_LEASE_SECS', 30) * 1000,
    },
    keyPrefix: text(vars, 'REDIS_KEY_PREFIX') ?? '',
    metricsPort: env.METRICS_PORT ?? 9402,
    derivedNonceSecret: explicit === undefined,
  });
}
