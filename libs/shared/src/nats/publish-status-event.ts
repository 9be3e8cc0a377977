import type { PubAck } from 'nats';
import type { DurablePublisher } from './stream-publisher.js';
import type { StatusEnvelope } from '../model/events/status-envelope.js';
import { publishDurable } from './publish.js';
import { createSubjects } from './subjects.js';

/**
 * Publishes one StatusHook event to the status stream (what the call-router
 * does for every event). The event id doubles as `Nats-Msg-Id`, so a publish
 * retried within the stream's 2-minute duplicate window is stored once. The
 * call's trace travels in the envelope (`traceparent`) or, without one, in
 * the message headers.
 */
export function publishStatusEvent(
  js: DurablePublisher,
  envelope: StatusEnvelope,
  options: { subjectPrefix?: string; domain?: string } = {},
): Promise<PubAck> {
  const domain =
    options.domain ?? (typeof envelope.body.domain === 'string' && envelope.body.domain ? envelope.body.domain : '_');
  const subject = subjectsFor(options.subjectPrefix ?? '').status(domain, envelope.callId);
  // An envelope with its `traceparent` needs no trace headers: the hook-dispatcher reads the envelope's first.
  return publishDurable(js, subject, envelope, { msgId: envelope.id, traceHeaders: envelope.traceparent === undefined });
}

/** One {@link createSubjects} per prefix: a process publishes under one or two. */
const subjectsByPrefix = new Map<string, ReturnType<typeof createSubjects>>();
function subjectsFor(prefix: string): ReturnType<typeof createSubjects> {
  let s = subjectsByPrefix.get(prefix);
  if (s === undefined) {
    s = createSubjects({ prefix });
    subjectsByPrefix.set(prefix, s);
  }
  return s;
}
