import type { DigestCredentials } from '../digest/digest-credentials.js';
import { SipError } from '../errors/sip-error.js';
import type { RegHookRequest } from '../model/webhooks/reg-hook-request.js';
import { isRegHookAccepted, parseRegHookResponse, type RegHookResponse } from '../model/webhooks/reg-hook-response.js';
import type { WebhookClient } from '../webhook/webhook-client.js';

/** Inputs of one RegHook POST (a REGISTER, or an INVITE from a client). */
export interface RegHookPostInput {
  readonly url: string;
  /** `REGISTER`, or `INVITE` on the call path (docs/contract.md §3.1 `method`). */
  readonly method: 'REGISTER' | 'INVITE';
  readonly credentials: DigestCredentials;
  readonly sourceIp: string;
  readonly sourcePort: number;
  /** Requested expiry; `null` on an INVITE (docs/contract.md §3.1 `expires`). */
  readonly expires: number | null;
  /** Seconds in `Retry-After` of the 503 sent when the hook is unreachable. */
  readonly retryAfterSec: number;
  readonly timeoutMs: number;
}

/** Why a RegHook call did not grant, for logs and metrics. */
export type RegHookFailure = 'rejected' | 'http-error' | 'timeout' | 'network' | 'bad-json' | 'bad-body';

/** A RegHook refusal or failure, already mapped to its SIP answer (docs/contract.md §6 "RegHook failure"). */
export class RegHookError extends SipError {
  readonly failure: RegHookFailure;
  constructor(failure: RegHookFailure, status: number, reason: string, headers: Record<string, string> = {}) {
    super(status, reason, headers);
    this.name = 'RegHookError';
    this.failure = failure;
  }
}

/** The exact body of docs/contract.md §3.1: digest fields, source, requested expiry. */
export function regHookBody(input: Omit<RegHookPostInput, 'url' | 'retryAfterSec' | 'timeoutMs'>): RegHookRequest {
  const c = input.credentials;
  return {
    username: c.username,
    realm: c.realm,
    nonce: c.nonce,
    uri: c.uri,
    response: c.response,
    method: input.method,
    source_address: input.sourceIp,
    source_port: input.sourcePort,
    expires: input.expires,
    scheme: 'digest',
    algorithm: c.algorithm ?? 'MD5',
    ...(c.qop !== undefined && { qop: c.qop }),
    ...(c.nc !== undefined && { nc: c.nc }),
    ...(c.cnonce !== undefined && { cnonce: c.cnonce }),
    ...(c.opaque !== undefined && { opaque: c.opaque }),
  };
}

const INVALID = { 'X-Reason': 'Invalid credentials' };

/**
 * POSTs the RegHook and maps its answer (docs/contract.md §6): HTTP non-2xx or
 * `status`≠ok → 403 `X-Reason: Invalid credentials`; timeout or network error
 * → 503 with `Retry-After` (the hook may come back; the HTTP code is never
 * passed through as a SIP code); a 2xx whose body is not JSON or not a valid
 * RegHook answer → 500, a fault of the hook application that a retry will not
 * fix. Resolves with the accepted answer; every failure throws {@link RegHookError}.
 */
export async function postRegHook(client: WebhookClient, input: RegHookPostInput): Promise<RegHookResponse> {
  const res = await client.post(input.url, regHookBody(input), { timeoutMs: input.timeoutMs, hook: 'reghook' });
  if (!res.ok) {
    switch (res.kind) {
      case 'http-error':
        throw new RegHookError('http-error', 403, 'Forbidden', INVALID);
      case 'timeout':
      case 'network':
        throw new RegHookError(res.kind, 503, 'Service Unavailable', { 'Retry-After': String(input.retryAfterSec) });
      case 'bad-json':
      case 'too-large':
        throw new RegHookError('bad-json', 500, 'RegHook Answer Invalid');
    }
  }
  const body = res.body as unknown;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new RegHookError('bad-json', 500, 'RegHook Answer Invalid');
  }
  const status = (body as { status?: unknown }).status;
  if (typeof status !== 'string' || status.trim().toLowerCase() !== 'ok') {
    const spammer = (body as { blacklist?: unknown }).blacklist === true;
    // docs/contract.md §3.1 `blacklist`: only the reason text changes.
    const reason = spammer ? `detected potential spammer from ${input.sourceIp}:${input.sourcePort}` : 'Invalid credentials';
    throw new RegHookError('rejected', 403, 'Forbidden', { 'X-Reason': reason });
  }
  let parsed: RegHookResponse;
  try {
    parsed = parseRegHookResponse(body);
  } catch {
    throw new RegHookError('bad-body', 500, 'RegHook Answer Invalid');
  }
  if (!isRegHookAccepted(parsed)) throw new RegHookError('rejected', 403, 'Forbidden', INVALID);
  return parsed;
}
