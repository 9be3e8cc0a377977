import type { StatusEnvelope } from '@dragonpbx/shared/contracts';

/** One event that could not be delivered, as an operator lists it. */
export interface DeadLetterEntry {
  envelope: StatusEnvelope;
  /** Attempts made before giving up. */
  attempts: number;
  /** Last failure reason (`http_400`, `timeout`, `ECONNREFUSED`, …). */
  reason: string;
  /** HTTP status of the last answer, when one arrived. */
  status?: number;
  /** Last error message. */
  error: string;
  /** When it was dead-lettered (RFC 3339). */
  deadLetteredAt: string;
  /** How often an operator replayed it. */
  replays: number;
}
