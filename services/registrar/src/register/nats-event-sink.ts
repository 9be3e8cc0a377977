import { type Subjects, publish } from '@dragonpbx/shared/messaging';
import type { NatsConnection } from 'nats';
import type { RegistrationEvent, RegistrationEventSink } from './registration-event.js';

/** Publishes registration events on `dragon.registrations.<domain>` (core NATS: they are notifications, not work). */
export function natsEventSink(nc: NatsConnection, subjects: Subjects, onError: (err: unknown) => void): RegistrationEventSink {
  return Object.freeze({
    emit(event: RegistrationEvent) {
      try {
        publish(nc, subjects.registrations(event.domain), event);
      } catch (err) {
        // A closed or draining connection must not fail the REGISTER that was already stored.
        onError(err);
      }
    },
  });
}
