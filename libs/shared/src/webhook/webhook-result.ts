/** Why a webhook call failed. */
export type WebhookFailureKind = 'http-error' | 'timeout' | 'network' | 'bad-json' | 'too-large';

interface Common {
  /** Full URL called. */
  url: string;
  /** The `webhook-id` sent (stable across retries when the caller passed one). */
  webhookId: string;
  /** Wall time of the call. */
  durationMs: number;
}

/** The hook answered 2xx; `body` is the parsed JSON (`undefined` for an empty body). */
export interface WebhookSuccess<T = unknown> extends Common {
  ok: true;
  statusCode: number;
  body: T | undefined;
}

/** A non-2xx answer; `body` is the raw text (truncated to 4 KiB) for logs. */
export interface WebhookHttpError extends Common {
  ok: false;
  kind: 'http-error';
  code: 'PBX_ERR_WEBHOOK_HTTP';
  message: string;
  statusCode: number;
  body: string;
}

/** No answer within the timeout. */
export interface WebhookTimeout extends Common {
  ok: false;
  kind: 'timeout';
  code: 'PBX_ERR_WEBHOOK_TIMEOUT';
  message: string;
}

/** The connection failed (refused, reset, DNS, TLS…); `cause` is the system error code. */
export interface WebhookNetworkError extends Common {
  ok: false;
  kind: 'network';
  code: 'PBX_ERR_WEBHOOK_NETWORK';
  message: string;
  cause: string;
}

/** A 2xx answer whose body is not JSON; `body` is the raw text (truncated to 4 KiB). */
export interface WebhookBadJson extends Common {
  ok: false;
  kind: 'bad-json';
  code: 'PBX_ERR_WEBHOOK_BAD_JSON';
  message: string;
  statusCode: number;
  body: string;
}

/** A 2xx (or any) answer whose body passed the client's `maxBodyBytes`: aborted unread. */
export interface WebhookTooLarge extends Common {
  ok: false;
  kind: 'too-large';
  code: 'PBX_ERR_WEBHOOK_TOO_LARGE';
  message: string;
  statusCode: number;
  /** The limit that was passed, bytes. */
  limit: number;
}

/** The outcome of {@link WebhookClient.post}; it never throws for hook-side failures. */
export type WebhookResult<T = unknown> =
  | WebhookSuccess<T>
  | WebhookHttpError
  | WebhookTimeout
  | WebhookNetworkError
  | WebhookBadJson
  | WebhookTooLarge;
