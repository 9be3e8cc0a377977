import type { Redis } from 'ioredis';
import { PBX_ERR_STATE_UNAVAILABLE } from './state-errors.js';

// ioredis reports an unreachable server with these error names and messages
// (its own, and the socket's errno). This is the one place that reads them.
const UNREACHABLE_NAMES = new Set(['MaxRetriesPerRequestError']);
const UNREACHABLE_TEXT = /Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|enableOfflineQueue/i;

/** `PBX_ERR_STATE_UNAVAILABLE` for an ioredis "cannot reach the server" error; anything else as it is. */
export function translateRedisError(err: unknown): unknown {
  if (!(err instanceof Error) || err instanceof PBX_ERR_STATE_UNAVAILABLE) return err;
  if (UNREACHABLE_NAMES.has(err.name) || UNREACHABLE_TEXT.test(err.message)) {
    return new PBX_ERR_STATE_UNAVAILABLE(err.message, err);
  }
  return err;
}

const rethrow = (err: unknown): never => {
  throw translateRedisError(err);
};

/** Transactions and pipelines settle in `exec`. */
function wrapExec<T extends { exec: (...a: never[]) => Promise<unknown> }>(batch: T): T {
  const exec = batch.exec.bind(batch);
  batch.exec = ((...args: never[]) => exec(...args).catch(rethrow)) as T['exec'];
  return batch;
}

/**
 * A view of `redis` whose commands (and `multi`/`pipeline` execs) reject with
 * `PBX_ERR_STATE_UNAVAILABLE` when the server cannot be reached. The state
 * store hands this view to every sub-store, so the translation happens once,
 * at the adapter boundary.
 */
export function withUnavailableErrors(redis: Redis): Redis {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(redis, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      let fn = wrapped.get(prop);
      if (fn === undefined) {
        const method = value as (...a: unknown[]) => unknown;
        fn = (...args: unknown[]): unknown => {
          let out: unknown;
          try {
            out = method.apply(target, args);
          } catch (err) {
            return rethrow(err);
          }
          if (out instanceof Promise) return out.catch(rethrow);
          if (prop === 'multi' || prop === 'pipeline') return wrapExec(out as { exec: () => Promise<unknown> });
          return out;
        };
        wrapped.set(prop, fn);
      }
      return fn;
    },
  });
}
