import { type Tracer, trace } from '@opentelemetry/api';

/** The call-router's tracer, resolved per use so it follows the provider `startTracing` registers. */
export function callTracer(): Tracer {
  return trace.getTracer('@dragonpbx/call-router');
}
