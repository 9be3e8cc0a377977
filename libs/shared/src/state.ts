// @dragonpbx/shared/state: the Redis state store (contacts, calls, nonces, leases, flood limits,
// trunk registrations). Loads ioredis.
// One export line per module, sorted by path.
export { CallStore } from './state/call-store.js';
export { CALL_SUMMARY_STATES, type CallSummary, type CallSummaryState } from './state/call-summary.js';
export { proxyUri, SIP_TRANSPORTS, type AddContactResult, type ContactBinding, type ContactSource, type SipTransport, type StoredContact } from './state/contact-binding.js';
export { ContactStore, MAX_CLIENTS_LIMIT } from './state/contact-store.js';
export { FloodStore, type FloodLimits, type FloodVerdict } from './state/flood-store.js';
export { LeaseStore, trunkLeaseResource } from './state/lease-store.js';
export { NonceStore } from './state/nonce-store.js';
export { PBX_ERR_STATE_CORRUPT, PBX_ERR_STATE_INPUT_INVALID, PBX_ERR_STATE_KEY_INVALID, PBX_ERR_STATE_UNAVAILABLE } from './state/state-errors.js';
export { StateKeys } from './state/state-keys.js';
export type { StateStoreDeps, StateStoreOptions } from './state/state-store-options.js';
export { StateStore } from './state/state-store.js';
export { TrunkRegistrationStore, type StoredTrunkRegistration, type TrunkRegistration } from './state/trunk-registration-store.js';
export { translateRedisError, withUnavailableErrors } from './state/unavailable-errors.js';
