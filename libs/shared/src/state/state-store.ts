import { CallStore } from './call-store.js';
import { ContactStore } from './contact-store.js';
import { FloodStore } from './flood-store.js';
import { LeaseStore } from './lease-store.js';
import { NonceStore } from './nonce-store.js';
import { PBX_ERR_STATE_INPUT_INVALID } from './state-errors.js';
import { StateKeys } from './state-keys.js';
import type { StateStoreDeps, StateStoreOptions } from './state-store-options.js';
import { TrunkRegistrationStore } from './trunk-registration-store.js';
import { withUnavailableErrors } from './unavailable-errors.js';

/**
 * Everything Dragon PBX keeps in Redis, behind one object that owns every key
 * name ({@link StateKeys}). Services receive it in their deps; tests build one
 * with a random `keyPrefix`. A Redis outage surfaces as `PBX_ERR_STATE_UNAVAILABLE`.
 */
export class StateStore {
  readonly keys: StateKeys;
  readonly contacts: ContactStore;
  readonly trunkRegistrations: TrunkRegistrationStore;
  readonly leases: LeaseStore;
  readonly calls: CallStore;
  readonly nonces: NonceStore;
  readonly flood: FloodStore;

  constructor(options: StateStoreOptions, deps: StateStoreDeps) {
    const prefix = options.keyPrefix ?? '';
    if (typeof prefix !== 'string' || /[{}\s]/.test(prefix)) {
      throw new PBX_ERR_STATE_INPUT_INVALID('keyPrefix', 'must be a string without braces or spaces');
    }
    // Sub-stores see Redis through one view that codes "cannot reach Redis" errors.
    const redis = withUnavailableErrors(deps.redis);
    this.keys = new StateKeys(prefix);
    this.contacts = new ContactStore(redis, this.keys);
    this.trunkRegistrations = new TrunkRegistrationStore(redis, this.keys);
    this.leases = new LeaseStore(redis, this.keys);
    this.calls = new CallStore(redis, this.keys);
    this.nonces = new NonceStore(redis, this.keys);
    this.flood = new FloodStore(redis, this.keys);
    Object.freeze(this);
  }
}
