import { PBX_ERR_REGISTRAR_OPTIONS } from '../registrar-errors.js';

/** Options of {@link TrunkRegistrar}, as a caller may give them. */
export interface TrunkRegistrarOptionsInput {
  /** Lease owner token and `instanceId` recorded in `regtrunk` (`INSTANCE_ID`). */
  readonly instanceId: string;
  /** `REGTRUNKEXPIRES`: Expires asked for when the trunk gives none. @defaultValue 3600 */
  readonly defaultExpires?: number;
  /**
   * Lease lifetime. A replica that dies loses its trunks after at most this
   * long, so keep it below the refresh interval (half the grant).
   * @defaultValue 30000
   */
  readonly leaseTtlMs?: number;
  /** How often leases are renewed or claimed; at most a third of `leaseTtlMs`. @defaultValue leaseTtlMs / 3 */
  readonly leaseCheckMs?: number;
  /** First retry delay after a failed REGISTER. @defaultValue 5000 */
  readonly retryInitialMs?: number;
  /** Retry delays double up to this. @defaultValue 300000 */
  readonly retryMaxMs?: number;
  /** No final response within this counts as a failure. @defaultValue 40000 (beyond Timer F, 32 s) */
  readonly requestTimeoutMs?: number;
}

/** Validated, frozen options. */
export type TrunkRegistrarOptions = Readonly<Required<TrunkRegistrarOptionsInput>>;

export function resolveTrunkRegistrarOptions(input: TrunkRegistrarOptionsInput): TrunkRegistrarOptions {
  const int = (name: string, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max) throw new PBX_ERR_REGISTRAR_OPTIONS(name, `expected an integer in [${min}, ${max}], got ${v}`);
    return v;
  };
  if (typeof input.instanceId !== 'string' || input.instanceId === '') throw new PBX_ERR_REGISTRAR_OPTIONS('instanceId', 'empty');
  const leaseTtlMs = int('leaseTtlMs', input.leaseTtlMs ?? 30_000, 300, 3_600_000);
  const retryInitialMs = int('retryInitialMs', input.retryInitialMs ?? 5000, 10, 3_600_000);
  return Object.freeze({
    instanceId: input.instanceId,
    defaultExpires: int('defaultExpires', input.defaultExpires ?? 3600, 1, 7 * 24 * 3600),
    leaseTtlMs,
    leaseCheckMs: int('leaseCheckMs', input.leaseCheckMs ?? Math.floor(leaseTtlMs / 3), 50, Math.floor(leaseTtlMs / 2)),
    retryInitialMs,
    retryMaxMs: int('retryMaxMs', input.retryMaxMs ?? 300_000, retryInitialMs, 3_600_000),
    requestTimeoutMs: int('requestTimeoutMs', input.requestTimeoutMs ?? 40_000, 100, 300_000),
  });
}
