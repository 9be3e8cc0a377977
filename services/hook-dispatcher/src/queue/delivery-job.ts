import type { StatusEnvelope } from '@dragonpbx/shared/contracts';

/** A job delivering the in-flight event of one call (generation `gen` of the call's sequencer). */
export interface CallDeliveryJob {
  kind: 'call';
  callId: string;
  id: string;
  gen: number;
  /** Attempts already made inline by the job of the call's previous event (counted toward the limit). */
  priorAttempts?: number;
}

/** A job delivering a dead-lettered event again, on an operator's request; not sequenced. */
export interface ReplayDeliveryJob {
  kind: 'replay';
  envelope: StatusEnvelope;
}

export type DeliveryJobData = CallDeliveryJob | ReplayDeliveryJob;

/** BullMQ ids cannot contain `:`; event ids are `[A-Za-z0-9_-]`, so `-g` is unambiguous. */
export function callJobId(id: string, gen: number): string {
  return `${id}-g${gen}`;
}
