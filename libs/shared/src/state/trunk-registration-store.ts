import type { Redis } from 'ioredis';
import { PBX_ERR_STATE_INPUT_INVALID } from './state-errors.js';
import type { StateKeys } from './state-keys.js';

/** What the registrar records about a trunk it keeps registered (docs/contract.md §2.3 "RegTrunks"). */
export interface TrunkRegistration {
  readonly trunkId: string;
  /** The registrar URI the REGISTER went to. */
  readonly registrar: string;
  /** The Contact registered (carries `x-regid`, used to map inbound INVITEs back to the trunk). */
  readonly contact: string;
  /** The instance that holds the registration. */
  readonly instanceId: string;
}

/** A trunk registration read back with its remaining lifetime. */
export interface StoredTrunkRegistration extends TrunkRegistration {
  /** Granted expiry in seconds. */
  readonly granted: number;
  /** Milliseconds until the grant runs out. */
  readonly remainingMs: number;
}

const FIELDS = ['trunkID', 'registrar', 'contact', 'instanceId', 'granted'] as const;

/** `regtrunk:{domain}:{trunkId}` hashes with TTL = the granted expiry. */
export class TrunkRegistrationStore {
  readonly #redis: Redis;
  readonly #keys: StateKeys;

  constructor(redis: Redis, keys: StateKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  /** Records a successful registration for `grantedSec` seconds (replacing any earlier one). */
  async set(domain: string, reg: TrunkRegistration, grantedSec: number): Promise<void> {
    if (!Number.isInteger(grantedSec) || grantedSec < 1) {
      throw new PBX_ERR_STATE_INPUT_INVALID('trunk registration grant', `expected a positive integer, got ${grantedSec}`);
    }
    for (const f of ['registrar', 'contact', 'instanceId'] as const) {
      if (typeof reg[f] !== 'string' || reg[f] === '') throw new PBX_ERR_STATE_INPUT_INVALID(`trunk registration ${f}`, 'empty');
    }
    const key = this.#keys.regTrunk(domain, reg.trunkId);
    await this.#redis
      .multi()
      .del(key)
      // `trunkID` keeps the original product's field name.
      .hset(key, { trunkID: reg.trunkId, registrar: reg.registrar, contact: reg.contact, instanceId: reg.instanceId, granted: grantedSec })
      .pexpire(key, grantedSec * 1000)
      .exec();
  }

  async get(domain: string, trunkId: string): Promise<StoredTrunkRegistration | undefined> {
    const key = this.#keys.regTrunk(domain, trunkId);
    const [[, values], [, ttl]] = (await this.#redis.multi().hmget(key, ...FIELDS).pttl(key).exec()) as [
      [null, (string | null)[]],
      [null, number],
    ];
    if (values.every((v) => v === null) || ttl < 0) return undefined;
    const [id, registrar, contact, instanceId, granted] = values;
    return Object.freeze({
      trunkId: id ?? trunkId,
      registrar: registrar ?? '',
      contact: contact ?? '',
      instanceId: instanceId ?? '',
      granted: Number(granted ?? 0),
      remainingMs: ttl,
    });
  }

  /** Forgets a registration (after un-REGISTER or when the trunk is removed). */
  async delete(domain: string, trunkId: string): Promise<boolean> {
    return (await this.#redis.del(this.#keys.regTrunk(domain, trunkId))) === 1;
  }
}
