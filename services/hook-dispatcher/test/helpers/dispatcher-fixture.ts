import type { Tracer } from '@opentelemetry/api';
import type { Redis } from 'ioredis';
import type { NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import type { DispatcherOptions } from '../../src/config/dispatcher-options.js';
import { HookDispatcher } from '../../src/dispatcher.js';
import { connectNats, FAST, isolation, newRedis, quietDeps, tearDown } from './infra.js';
import { TestReceiver } from './receiver.js';

/** What {@link useDispatcher} sets up; the connections and the dispatcher exist from `beforeAll` on. */
export interface DispatcherFixture {
  readonly iso: ReturnType<typeof isolation>;
  readonly receiver: TestReceiver;
  redis: Redis;
  nats: NatsConnection;
  deps: ReturnType<typeof quietDeps>;
  dispatcher: HookDispatcher;
}

/**
 * One describe block's dispatcher against the real Redis, NATS JetStream and a
 * test receiver, with names of its own (`isolation()`) and `FAST` settings under
 * `options`: connected, started (unless `start: false`) before the block's
 * tests, stopped and cleaned up after them. Set `receiver.behaviour` at describe
 * time when the receiver must answer differently from its first request on.
 */
export function useDispatcher(
  setup: { options?: Partial<DispatcherOptions>; logger?: Logger; tracer?: Tracer; start?: boolean } = {},
): DispatcherFixture {
  const f = { iso: isolation(), receiver: new TestReceiver() } as DispatcherFixture;
  beforeAll(async () => {
    f.redis = newRedis();
    f.nats = await connectNats();
    await f.receiver.start();
    f.deps = { ...quietDeps(f.redis, f.nats), ...(setup.logger ? { logger: setup.logger } : {}) };
    f.dispatcher = new HookDispatcher(
      { ...f.deps, ...(setup.tracer ? { tracer: setup.tracer } : {}) },
      { ...f.iso, ...FAST, ...setup.options },
    );
    if (setup.start !== false) await f.dispatcher.start();
  });
  afterAll(() => tearDown(f));
  return f;
}
