import { type NatsConnection, connect } from 'nats';
import { afterAll, beforeAll } from 'vitest';

/** A connection to the real NATS for the enclosing file or describe block: opened before its tests, drained after. */
export function useNats(): { readonly nc: NatsConnection } {
  const f = {} as { nc: NatsConnection };
  beforeAll(async () => {
    f.nc = await connect({ servers: '127.0.0.1:4222' });
  });
  afterAll(async () => {
    await f.nc?.drain();
  });
  return f;
}
