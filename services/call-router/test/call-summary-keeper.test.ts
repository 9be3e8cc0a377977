import { randomBytes } from 'node:crypto';
import { type CallStore, type CallSummary, StateStore } from '@dragonpbx/shared/state';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallSummaryKeeper } from '../src/engine/call-summary-keeper.js';

const prefix = `test:cr-keeper-${randomBytes(4).toString('hex')}:`;
let redis: Redis;
let state: StateStore;

beforeAll(() => {
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  state = new StateStore({ keyPrefix: prefix }, { redis });
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

const summary = (callId: string, extensions: string[] = ['1001']): CallSummary => ({
  callId,
  instanceId: 'keeper-test',
  domain: 'keeper.test',
  from: '1000',
  to: '1001',
  state: 'ringing',
  startedAt: Date.now(),
  extensions,
});

/** The real store, with a record of what the keeper asked of it. */
function recording(calls: CallStore) {
  const log: string[] = [];
  const store: Pick<CallStore, 'put' | 'remove'> = {
    put: (s, ttl) => {
      log.push(`put ${s.state} ${s.extensions.join(',')}`);
      return calls.put(s, ttl);
    },
    remove: (id, written) => {
      log.push(`remove ${written?.extensions.join(',') ?? '?'}`);
      return calls.remove(id, written);
    },
  };
  return { log, store };
}

const noLog = { warn: () => undefined };
const keysLeft = async () => (await redis.keys(`${prefix}*`)).sort();

describe('CallSummaryKeeper', () => {
  it('sends changes made while a write waits as one write of the latest summary', async () => {
    const { log, store } = recording(state.calls);
    const k = new CallSummaryKeeper(store, 60, noLog);
    k.put(summary('keep-1'));
    k.extra({ endpointB: 'sip:b@x' });
    k.update({ state: 'connected', answeredAt: 1 });
    await new Promise((r) => setTimeout(r, 50));
    expect(log).toEqual(['put connected 1001']);
    const stored = await state.calls.get('keep-1');
    expect(stored).toMatchObject({ state: 'connected', answeredAt: 1, extra: { endpointB: 'sip:b@x' } });
    expect((await state.calls.findByExtension('keeper.test', '1001')).map((s) => s.callId)).toEqual(['keep-1']);
    await k.remove();
    expect(log).toEqual(['put connected 1001', 'remove 1001']);
    expect(await keysLeft()).toEqual([]);
  });

  it('a call that ends before its first write went out writes nothing', async () => {
    const { log, store } = recording(state.calls);
    const k = new CallSummaryKeeper(store, 60, noLog);
    k.put(summary('keep-2'));
    await k.remove();
    expect(log).toEqual([]);
    expect(await keysLeft()).toEqual([]);
  });

  it('removes the indexes of the summary last written, after a change of extensions', async () => {
    const { log, store } = recording(state.calls);
    const k = new CallSummaryKeeper(store, 60, noLog);
    k.put(summary('keep-3', ['1001', '1002']));
    await new Promise((r) => setTimeout(r, 50));
    k.update({ extensions: ['1003'] });
    await new Promise((r) => setTimeout(r, 50));
    expect((await state.calls.findByExtension('keeper.test', '1003')).map((s) => s.callId)).toEqual(['keep-3']);
    await k.remove();
    expect(log).toEqual(['put ringing 1001,1002', 'put ringing 1003', 'remove 1003']);
    // The stale 1001/1002 index entries are pruned on read; nothing is returned for them.
    expect(await state.calls.findByExtension('keeper.test', '1001')).toEqual([]);
    expect(await state.calls.get('keep-3')).toBeUndefined();
  });

  it('with coalesceMs, changes made over that many milliseconds go out as one write', async () => {
    const { log, store } = recording(state.calls);
    const k = new CallSummaryKeeper(store, 60, noLog, 40);
    k.put(summary('keep-5'));
    await new Promise((r) => setTimeout(r, 10));
    k.update({ state: 'connected', answeredAt: 2 });
    await new Promise((r) => setTimeout(r, 10));
    k.extra({ endpointB: 'sip:b@x' });
    expect(log).toEqual([]);
    await new Promise((r) => setTimeout(r, 60));
    expect(log).toEqual(['put connected 1001']);
    expect(await state.calls.get('keep-5')).toMatchObject({ state: 'connected', extra: { endpointB: 'sip:b@x' } });
    await k.remove();
    expect(await state.calls.get('keep-5')).toBeUndefined();
  });

  it('logs PBX_ERR_CALL_STATE when Redis fails and keeps going', async () => {
    const warnings: unknown[] = [];
    const failing: Pick<CallStore, 'put' | 'remove'> = {
      put: () => Promise.reject(new Error('boom')),
      remove: () => Promise.resolve(true),
    };
    const k = new CallSummaryKeeper(failing, 60, { warn: (o: unknown) => warnings.push(o) } as never);
    k.put(summary('keep-4'));
    await new Promise((r) => setTimeout(r, 20));
    await k.remove();
    expect(warnings).toEqual([expect.objectContaining({ code: 'PBX_ERR_CALL_STATE', callId: 'keep-4' })]);
  });
});
