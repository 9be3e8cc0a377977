import type { StatusEnvelope } from '@dragonpbx/shared/contracts';
import { publishStatusEvent } from '@dragonpbx/shared/messaging';
import type { JetStreamClient } from 'nats';

/** Where a call's StatusHook events go (the hook-dispatcher consumes them). */
export interface StatusEventSink {
  /** Resolves once the event is stored; rejects when it could not be. */
  publish(envelope: StatusEnvelope): Promise<void>;
}

/** The JetStream sink: `[<prefix>.]dragon.status.<domain>.<callId>`, de-duplicated by event id. */
export function jetStreamEventSink(js: JetStreamClient, subjectPrefix = ''): StatusEventSink {
  return {
    async publish(envelope) {
      await publishStatusEvent(js, envelope, { subjectPrefix });
    },
  };
}
