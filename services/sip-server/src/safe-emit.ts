import type { EventEmitter } from 'node:events';
import type { StackLogger } from './stack-logger.js';

/**
 * Emits an event, containing any listener exception so that a faulty
 * listener cannot break the transaction layer or crash the process.
 */
export function safeEmit(
  emitter: EventEmitter,
  logger: StackLogger,
  event: string,
  ...args: unknown[]
): boolean {
  try {
    return emitter.emit(event, ...args);
  } catch (err) {
    logger.error({ err, event }, 'listener threw');
    return true;
  }
}
