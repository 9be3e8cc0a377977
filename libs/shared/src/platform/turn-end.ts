/**
 * Sends (NATS, Redis) deferred to the end of the current event-loop turn.
 *
 * nats.js writes its outbound buffer in a microtask after each send, so every
 * I/O callback that publishes (a SIP message, a Redis reply, an RTPEngine
 * answer…) costs one socket write. Under load one turn of the loop runs many
 * such callbacks; queuing their sends to `setImmediate` (the check phase,
 * right after the poll phase that ran them) puts them all in the client's
 * buffer together, and nats.js writes them in one go. The delay is the rest
 * of the turn: nothing on an idle process, a fraction of a millisecond under
 * load. Order is kept: sends run in the order they were queued.
 */
let queue: (() => void)[] | undefined;

function runQueue(): void {
  const sends = queue ?? [];
  queue = undefined;
  for (const send of sends) send();
}

/**
 * Runs `send` at the end of this event-loop turn, with every other send
 * queued during the turn, and settles with its result (or its exception).
 */
export function atTurnEnd<T>(send: () => T | PromiseLike<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const run = () => {
      try {
        resolve(send());
      } catch (err) {
        reject(err);
      }
    };
    if (queue === undefined) {
      queue = [run];
      setImmediate(runQueue);
    } else {
      queue.push(run);
    }
  });
}
