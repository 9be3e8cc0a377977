import { compileValidator, type Validator } from '../../schema/validator.js';
import { type CallHookRequest, CallHookRequestSchema } from './call-hook-request.js';
import { type RegHookRequest, RegHookRequestSchema } from './reg-hook-request.js';
import { type StatusHookEvent, StatusHookEventSchema } from './status-hook-event.js';

// Compiled once, frozen. Request bodies are ours to produce; these validators
// guard them where they cross a process boundary (NATS) and serve hook authors'
// tests. `parse` throws PBX_ERR_VALIDATION naming each bad path.

/** Validates a RegHook request body. */
export const regHookRequestValidator: Validator<RegHookRequest> = compileValidator(RegHookRequestSchema, {
  name: 'RegHook request',
});

/** Validates a CallHook request body. */
export const callHookRequestValidator: Validator<CallHookRequest> = compileValidator(CallHookRequestSchema, {
  name: 'CallHook request',
});

/** Validates a StatusHook event body. */
export const statusHookEventValidator: Validator<StatusHookEvent> = compileValidator(StatusHookEventSchema, {
  name: 'StatusHook event',
});
