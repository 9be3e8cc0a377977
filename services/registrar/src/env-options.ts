import { createHmac } from 'node:crypto';
import { PBX_ERR_ENV_INVALID, type ServiceEnv } from '@dragonpbx/shared/platform';
import type { DigestAlgorithm } from '@dragonpbx/shared/sip';
import type { REGISTRAR_ENV } from './registrar-env.js';
import type { RegistrarOptionsInput } from './registrar-options.js';
import type { TrunkRegistrarOptionsInput } from './trunk/trunk-registrar-options.js';

/** The registrar's parsed environment (shared base + {@link REGISTRAR_ENV}). */
export type RegistrarEnv = ServiceEnv<typeof REGISTRAR_ENV>;

/** Registrar settings derived from its environment. */
export interface RegistrarEnvOptions {
  readonly registrar: RegistrarOptionsInput;
  readonly trunks: TrunkRegistrarOptionsInput;
  /** Redis key prefix (`REDIS_KEY_PREFIX`). @defaultValue '' */
  readonly keyPrefix: string;
  /** True when the nonce secret was derived from `DRACHTIO_SECRET` (a warning at boot). */
  readonly derivedNonceSecret: boolean;
}

/**
 * Maps the parsed environment onto registrar options (variables: README).
 * @throws PBX_ERR_ENV_INVALID when REGISTRATION_MIN_SECS exceeds REGISTRATION_MAX_SECS
 */
export function registrarEnvOptions(env: RegistrarEnv): RegistrarEnvOptions {
  if (env.REGISTRATION_MIN_SECS > env.REGISTRATION_MAX_SECS) {
    throw new PBX_ERR_ENV_INVALID(
      'REGISTRATION_MIN_SECS',
      `must not exceed REGISTRATION_MAX_SECS (${env.REGISTRATION_MIN_SECS} > ${env.REGISTRATION_MAX_SECS})`,
    );
  }
  const explicit = env.REGISTRAR_NONCE_SECRET;
  const nonceSecret = explicit ?? createHmac('sha256', env.DRACHTIO_SECRET).update('dragonpbx registrar nonce').digest('hex');
  return Object.freeze({
    registrar: {
      nonceSecret,
      instanceId: env.INSTANCE_ID,
      nonceLifetimeSec: env.NONCE_LIFETIME_SECS,
      minExpires: env.REGISTRATION_MIN_SECS,
      maxExpires: env.REGISTRATION_MAX_SECS,
      defaultExpires: env.REGISTRATION_DEFAULT_SECS,
      defaultCodecs: env.DEFAULT_CODECS,
      hookTimeoutMs: env.HOOK_TIMEOUT_MS,
      flood: {
        enabled: env.FLOOD_PROTECTION,
        limit: env.FLOOD_LIMIT,
        windowMs: env.FLOOD_WINDOW_MS,
        banMs: env.FLOOD_BAN_SECS * 1000,
      },
      ...(env.FLOOD_TRUSTED_CIDRS && { trustedCidrs: [...env.FLOOD_TRUSTED_CIDRS] }),
      ...(env.SCANNER_USER_AGENTS && { scannerAgents: [...env.SCANNER_USER_AGENTS] }),
      ...(env.DIGEST_ALGORITHMS && { algorithms: env.DIGEST_ALGORITHMS as DigestAlgorithm[] }),
    },
    trunks: {
      instanceId: env.INSTANCE_ID,
      defaultExpires: env.REGTRUNKEXPIRES,
      leaseTtlMs: env.TRUNK_LEASE_SECS * 1000,
    },
    keyPrefix: env.REDIS_KEY_PREFIX,
    derivedNonceSecret: explicit === undefined,
  });
}
