// Public surface of @dragonpbx/media-controller.
export { MediaController, type MediaControllerDeps } from './media-controller.js';
export { resolveMediaControllerOptions, type MediaControllerInput, type MediaControllerOptions } from './media-controller-options.js';
export { createMediaMetrics, type MediaMetrics } from './media-metrics.js';
export { EnginePool, type EnginePoolEvents, type EnginePoolOptions } from './engine/engine-pool.js';
export { EngineState } from './engine/engine-state.js';
export { PLACEMENTS, type Placement } from './engine/placement.js';
export { RtpEngine } from './engine/rtp-engine.js';
export { CallAffinity, type CallAffinityOptions } from './engine/call-affinity.js';
export { NgClient, type NgClientDeps, type NgClientOptions, type NgOutcome } from './ng/ng-client.js';
export { NG_COMMANDS, type NgCommand, type NgReply } from './ng/ng-command.js';
export { engineId, type EngineAddress } from './ng/engine-address.js';
export { codecFlags, sdpHasTelephoneEvent, type NgCodecFlags } from './ops/codec-flags.js';
