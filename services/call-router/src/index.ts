// Public surface of @dragonpbx/call-router.
export { CallRouter, type CallRouterDeps } from './call-router.js';
export { resolveCallRouterOptions, type CallRouterOptions, type CallRouterOptionsInput } from './call-router-options.js';
export { createCallRouterMetrics, type CallRouterMetrics } from './call-router-metrics.js';
export {
  PBX_ERR_CALL_ROUTER_OPTIONS,
  PBX_ERR_CALL_STATE,
  PBX_ERR_CALL_TRANSITION,
  PBX_ERR_CALLHOOK_FAILED,
  PBX_ERR_CALLHOOK_TEMPLATE,
  PBX_ERR_INVITE_INVALID,
  PBX_ERR_STATUS_PUBLISH,
} from './call-router-errors.js';
export { jetStreamEventSink, type StatusEventSink } from './engine/status-event-sink.js';
export { CallState, CALL_TRANSITIONS } from './engine/call-state.js';
export { CallSession, type CallResponder, type CallSessionDeps } from './engine/call-session.js';
export { CallStateMachine } from './engine/call-state-machine.js';
export { LegState, LEG_TRANSITIONS } from './verbs/connect/leg-state.js';
export { SUPPORTED_VERBS } from './verbs/run-verb.js';
