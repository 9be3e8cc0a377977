// @dragonpbx/shared/messaging: NATS: connect, request/serve/publish, subjects, trace headers,
// JetStream streams, and the clients of other services' NATS APIs (MediaClient, publishStatusEvent).
// Loads nats and @opentelemetry/api; the message schemas themselves are in ./contracts.ts.
// One export line per module, sorted by path.
export { connectNats, type ConnectNatsOptions } from './nats/connect-nats.js';
export { ensureStream, type EnsureStreamOptions, type EnsureStreamOutcome, type StreamLimits } from './nats/ensure-stream.js';
export { createJsonCodec, decodeJson, encodeJson, type JsonCodec, type PayloadGuard } from './nats/json-codec.js';
export { MediaClient, type MediaClientOptions } from './nats/media-client.js';
export { PBX_ERR_NATS_BAD_MESSAGE, PBX_ERR_NATS_BAD_SUBJECT, PBX_ERR_NATS_HANDLER_FAILED, PBX_ERR_NATS_NO_RESPONDERS, PBX_ERR_NATS_REQUEST_FAILED, PBX_ERR_NATS_STREAM, PBX_ERR_NATS_TIMEOUT } from './nats/nats-errors.js';
export { NatsRemoteError } from './nats/nats-remote-error.js';
export { publishStatusEvent } from './nats/publish-status-event.js';
export { publish, publishDurable, type PublishOptions, type PublishDurableOptions } from './nats/publish.js';
export { type NatsRequestObserver, type NatsRequestOutcome, observeNatsRequests, request, type RequestOptions } from './nats/request.js';
export type { RpcErrorBody, RpcReply } from './nats/rpc-reply.js';
export { serve, type ServeContext, type ServeHandler, type ServeOptions } from './nats/serve.js';
export { createSubjects, encodeToken, decodeToken, type MediaOp, type Subjects, type SubjectsOptions } from './nats/subjects.js';
export { subscribeJson, type EventHandler, type SubscribeJsonOptions } from './nats/subscribe-json.js';
export { injectTraceHeaders, extractTraceContext } from './nats/trace-headers.js';
export { StreamPublisher, type DurablePublisher, type StreamPublishOptions } from './nats/stream-publisher.js';
