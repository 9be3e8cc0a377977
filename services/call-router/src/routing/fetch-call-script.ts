import { type CallHookRequest, SipError } from '@dragonpbx/shared/contracts';
import type { WebhookClient } from '@dragonpbx/shared/webhooks';
import type { Logger } from 'pino';
import type { FileHookRenderer } from './render-file-hook.js';

/** Collaborators of {@link fetchCallScript}. */
export interface FetchCallScriptDeps {
  readonly webhook: WebhookClient;
  readonly files: FileHookRenderer;
  readonly logger: Pick<Logger, 'warn'>;
}

/** docs/contract.md §1.2 step 6: the caller gets 480 when the CallHook gives no usable answer. */
const unavailable = () => new SipError(480, 'Temporarily Unavailable');

/**
 * Routing step 5 (docs/contract.md §1.2 step 6, §3.2, §3.4): POSTs the CallHook body
 * (or renders a `file:` template) and returns the parsed JSON, not yet
 * validated. Timeout, non-2xx, network error, unparseable JSON, an unreadable
 * template → 480; an empty answer (empty array, empty body) → 500. Each
 * failure is logged with its stable code.
 */
export async function fetchCallScript(url: string, body: CallHookRequest, timeoutMs: number, deps: FetchCallScriptDeps): Promise<unknown> {
  let answer: unknown;
  if (url.startsWith('file:')) {
    try {
      answer = await deps.files.render(url, body as unknown as Record<string, unknown>);
    } catch (err) {
      deps.logger.warn({ err, code: (err as { code?: string }).code, callId: body.callId }, 'CallHook template failed');
      throw unavailable();
    }
  } else {
    let res: Awaited<ReturnType<WebhookClient['post']>>;
    try {
      res = await deps.webhook.post(url, body, { timeoutMs, hook: 'callhook' });
    } catch (err) {
      // Only a URL that is not http(s) gets here: a configuration error.
      deps.logger.warn({ err, code: (err as { code?: string }).code, callId: body.callId }, 'CallHook URL invalid');
      throw unavailable();
    }
    if (!res.ok) {
      deps.logger.warn({ code: res.code, kind: res.kind, callId: body.callId, durationMs: res.durationMs }, 'CallHook failed');
      throw unavailable();
    }
    answer = res.body;
  }
  if (answer === undefined || answer === null || (Array.isArray(answer) && answer.length === 0)) {
    throw new SipError(500, 'Empty CallScript');
  }
  return answer;
}
