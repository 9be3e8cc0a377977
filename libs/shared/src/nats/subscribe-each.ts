import type { Msg, NatsConnection, Subscription } from 'nats';
import type { Logger } from 'pino';

/**
 * Subscribes `onMessage` to `subject` (in `queue` when given, so replicas share
 * the messages). A subscription error is logged, never thrown; `onMessage`
 * handles its own failures.
 */
export function subscribeEach(
  nc: NatsConnection,
  subject: string,
  onMessage: (msg: Msg) => Promise<void>,
  options: { queue?: string; logger?: Pick<Logger, 'error'> },
): Subscription {
  return nc.subscribe(subject, {
    ...(options.queue ? { queue: options.queue } : {}),
    callback: (err, msg) => {
      if (err) {
        options.logger?.error({ err, subject }, 'NATS subscription error');
        return;
      }
      void onMessage(msg);
    },
  });
}
