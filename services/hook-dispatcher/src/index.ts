// Public surface of @dragonpbx/hook-dispatcher.
export { HookDispatcher, type DispatcherDeps } from './dispatcher.js';
export {
  type DispatcherOptions,
  DEFAULT_DISPATCHER_OPTIONS,
  resolveDispatcherOptions,
} from './config/dispatcher-options.js';
export { dispatcherOptionsFromEnv, optionsFromEnv } from './config/env-options.js';
export { HOOK_DISPATCHER_ENV, HOOK_OPTION_ENV } from './config/hook-dispatcher-env.js';
export { destinationHost } from './envelope/destination-host.js';
// Hook authors verify our requests with the shared Standard Webhooks helper.
export { verifyWebhook, type VerifyWebhookOptions, type HeaderSource } from '@dragonpbx/shared/webhooks';
export { retryDelay, parseRetryAfter, type BackoffParams } from './delivery/backoff.js';
export { AttemptOutcome } from './delivery/delivery-outcome.js';
export type { DeadLetterEntry } from './dead-letter/dead-letter-entry.js';
export { addDeadLetterRoutes, buildAdminServer, type AdminServerOptions } from './http/admin-server.js';
export * from './errors.js';
