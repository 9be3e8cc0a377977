import type { StatusEventName } from '@dragonpbx/shared';
import type { Logger } from 'pino';

/** What a verb did to the script: go on with the next verb, or end the script. */
export type VerbOutcome = 'next' | 'end';

/** What a running verb may do to its call; one per verb execution. */
export interface VerbContext {
  readonly callId: string;
  /** Aborted when the caller CANCELs (or the router stops): the verb must return promptly. */
  readonly signal: AbortSignal;
  /** True once the A leg has been answered (200 OK sent). */
  readonly answered: boolean;
  /**
   * Sends a final response to the caller's INVITE. Resolves false when it
   * could not be sent (already answered, responded to or cancelled).
   */
  respond(status: number, reason: string | undefined, headers: Record<string, string>): boolean;
  /** Sends a StatusHook event labelled with this verb's `statusLabel` (or nothing if it is `false`). */
  emit(event: StatusEventName, extra?: Record<string, unknown>): void;
  readonly logger: Logger;
}
