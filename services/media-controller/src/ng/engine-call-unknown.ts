import { PBX_ERR_MEDIA_ENGINE_REFUSED } from '@dragonpbx/shared/contracts';

// RTPEngine's `error-reason` when it holds no session for the call-id (e.g.
// "Unknown call-id", "Call-ID not found"), matched here, once, at the ng boundary.
const UNKNOWN_CALL = /unknown call|call-id not found/i;

/**
 * The engine refused because it holds no session for the call (another
 * replica deleted or moved it, or the engine timed it out). Still a
 * `PBX_ERR_MEDIA_ENGINE_REFUSED` on the wire; callers that care test
 * `instanceof EngineCallUnknown` instead of reading the engine's text.
 */
export class EngineCallUnknown extends PBX_ERR_MEDIA_ENGINE_REFUSED {}

/** The coded refusal for an engine's `result: error` reply. */
export function engineRefusal(engine: string, command: string, reason: string): InstanceType<typeof PBX_ERR_MEDIA_ENGINE_REFUSED> {
  return UNKNOWN_CALL.test(reason)
    ? new EngineCallUnknown(engine, command, reason)
    : new PBX_ERR_MEDIA_ENGINE_REFUSED(engine, command, reason);
}
