// @dragonpbx/shared/webhooks: the webhook HTTP client (got), request signing and verifyWebhook
// for hook authors.
// One export line per module, sorted by path.
export { declareHookLatency, type HookLatency, type HookName } from './webhook/hook-latency.js';
export { newWebhookId, signWebhook, signWebhookHeaders, type WebhookSignatureHeaders } from './webhook/sign-webhook.js';
export { decodeSigningSecret } from './webhook/signing-secret.js';
export { verifyWebhook, type HeaderSource, type VerifyWebhookOptions } from './webhook/verify-webhook.js';
export { webhookClientOptionsFromEnv, type WebhookClientOptions } from './webhook/webhook-client-options.js';
export { createWebhookClient, type PostOptions, type WebhookClient } from './webhook/webhook-client.js';
export { PBX_ERR_WEBHOOK_BAD_JSON, PBX_ERR_WEBHOOK_BAD_URL, PBX_ERR_WEBHOOK_HEADER_MISSING, PBX_ERR_WEBHOOK_HTTP, PBX_ERR_WEBHOOK_NETWORK, PBX_ERR_WEBHOOK_SECRET_INVALID, PBX_ERR_WEBHOOK_SIGNATURE, PBX_ERR_WEBHOOK_TIMEOUT, PBX_ERR_WEBHOOK_TIMESTAMP, PBX_ERR_WEBHOOK_TOO_LARGE } from './webhook/webhook-errors.js';
export type { WebhookBadJson, WebhookFailureKind, WebhookHttpError, WebhookNetworkError, WebhookResult, WebhookSuccess, WebhookTimeout, WebhookTooLarge } from './webhook/webhook-result.js';
export { WebhookBodyTooLarge, WebhookPoster, WebhookTransportError, type SettledAttempt, type WebhookAnswer, type WebhookAttempt, type WebhookRequest } from './webhook/webhook-poster.js';
export type { WebhookPosterOptions } from './webhook/webhook-poster-options.js';
