// Public surface of @dragonpbx/registrar.
export { Registrar, type RegistrarDeps } from './registrar.js';
export { resolveRegistrarOptions, DEFAULT_SCANNER_AGENTS, type FloodOptions, type RegistrarOptions, type RegistrarOptionsInput } from './registrar-options.js';
export { PBX_ERR_REGISTER_INVALID, PBX_ERR_REGISTRAR_OPTIONS, PBX_ERR_TRUNK_REGISTER_FAILED } from './registrar-errors.js';
export { createRegistrarMetrics, type RegistrarMetrics } from './registrar-metrics.js';
export { REGISTRATION_EVENT_TYPES, type RegistrationEvent, type RegistrationEventSink, type RegistrationEventType } from './register/registration-event.js';
export { natsEventSink } from './register/nats-event-sink.js';
export { grantFromHook } from './register/reg-hook-call.js';
export { parseRegister, type ParsedRegister } from './register/parse-register.js';
export { grantExpiry, requestedExpiry } from './register/grant-expiry.js';
export { TrunkRegistrar, type TrunkRegistrarDeps } from './trunk/trunk-registrar.js';
export { resolveTrunkRegistrarOptions, type TrunkRegistrarOptions, type TrunkRegistrarOptionsInput } from './trunk/trunk-registrar-options.js';
export { TrunkRegistration, type TrunkTarget } from './trunk/trunk-registration.js';
export { TrunkRegistrationState } from './trunk/trunk-registration-state.js';
export { registrarEnvOptions, type RegistrarEnv, type RegistrarEnvOptions } from './env-options.js';
export { REGISTRAR_ENV } from './registrar-env.js';
export { RequestGuard, type GuardVerdict } from './guard/request-guard.js';
