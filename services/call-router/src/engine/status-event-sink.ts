import type { StatusEnvelope } from '@dragonpbx/shared/contracts';
import { type DurablePublisher, publishStatusEvent } from '@dragonpbx/shared/messaging';
import { formatTraceparent, inSpan } from '@dragonpbx/shared/platform';
import { type Span, SpanKind } from '@opentelemetry/api';
import { callTracer } from '../call-tracer.js';

/** Where a call's StatusHook events go (the hook-dispatcher consumes them). */
export interface StatusEventSink {
  /** Resolves once the event is stored; rejects when it could not be. */
  publish(envelope: StatusEnvelope): Promise<void>;
}

/**
 * The JetStream sink: `[<prefix>.]dragon.status.<domain>.<callId>`, de-duplicated by event id.
 * `js` is a `StreamPublisher` in production (one ack inbox for all events) or `nc.jetstream()`.
 */
export function jetStreamEventSink(js: DurablePublisher, subjectPrefix = ''): StatusEventSink {
  return {
    async publish(envelope) {
      // When spans are exported, the event's deliveries become children of its publication.
      await inSpan(callTracer, 'status publish', (span) => publishStatusEvent(js, span ? withTraceparent(envelope, span) : envelope, { subjectPrefix }), {
        kind: SpanKind.PRODUCER,
        attributes: () => ({ 'messaging.system': 'nats', 'dragon.event': String(envelope.body.event), 'dragon.event_id': envelope.id }),
      });
    },
  };
}

function withTraceparent(envelope: StatusEnvelope, span: Span): StatusEnvelope {
  const traceparent = formatTraceparent(span.spanContext());
  return traceparent ? { ...envelope, traceparent } : envelope;
}
