import { type Tracer, trace } from '@opentelemetry/api';

/**
 * The tracer the shared helpers (NATS, webhooks) create their spans with.
 * Resolved on each call so it follows whatever provider `startTracing` has
 * registered (a no-op before that).
 */
export function sharedTracer(): Tracer {
  return trace.getTracer('@dragonpbx/shared');
}
