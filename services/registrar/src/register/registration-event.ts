import type { ContactSource } from '@dragonpbx/shared/state';

/** Kinds of registration change. */
export const REGISTRATION_EVENT_TYPES = ['registered', 'refreshed', 'unregistered', 'evicted'] as const;
export type RegistrationEventType = (typeof REGISTRATION_EVENT_TYPES)[number];

/**
 * Published on `dragon.registrations.<domain>` for every binding change, so
 * other services (call-router, UIs) can react without polling Redis.
 */
export interface RegistrationEvent {
  readonly type: RegistrationEventType;
  readonly domain: string;
  readonly user: string;
  /** The Contact URI; `*` when every binding was removed. */
  readonly contact: string;
  /** Granted seconds; 0 for removals. */
  readonly expires: number;
  readonly source: ContactSource;
  readonly callId: string;
  readonly userAgent?: string;
  /** The registrar replica that handled the REGISTER. */
  readonly instanceId: string;
  /** ISO 8601. */
  readonly timestamp: string;
}

/** Where registration events go; `main.ts` wires NATS, tests may collect them. */
export interface RegistrationEventSink {
  emit(event: RegistrationEvent): void;
}
