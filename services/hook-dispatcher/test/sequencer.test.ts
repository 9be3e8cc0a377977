import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallSequencer } from '../src/sequencer/call-sequencer.js';
import { isolation, newRedis } from './helpers/infra.js';

describe('CallSequencer (real Redis)', () => {
  const iso = isolation();
  let redis: Redis;
  let seq: CallSequencer;

  beforeAll(() => {
    redis = newRedis();
    seq = new CallSequencer(redis, { keyPrefix: iso.keyPrefix!, reorderWindowMs: 700, ttlSec: 60 });
  });

  afterAll(async () => {
    const keys = await redis.keys(`${iso.keyPrefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('keeps one event in flight and releases the next on advance', async () => {
    expect(await seq.stage('c1', 'e1', 1, '{"n":1}')).toEqual({ action: 'add', id: 'e1', gen: 1, delayMs: 0 });
    expect(await seq.stage('c1', 'e2', 2, '{"n":2}')).toEqual({ action: 'queued' });
    expect(await seq.begin('c1', 'e1', 1)).toEqual({ action: 'go', envelopeJson: '{"n":1}' });
    expect(await seq.advance('c1', 'e1', 1, 1)).toEqual({ action: 'add', id: 'e2', gen: 2, delayMs: 0 });
    expect(await seq.begin('c1', 'e2', 2)).toEqual({ action: 'go', envelopeJson: '{"n":2}' });
    expect(await seq.advance('c1', 'e2', 2, 2)).toEqual({ action: 'idle' });
  });

  it('drops a redelivered event that is already done and re-kicks one still in flight', async () => {
    expect(await seq.stage('c1', 'e1', 1, '{"n":1}')).toEqual({ action: 'done' });
    await seq.stage('c2', 'f1', 1, '{}');
    expect(await seq.stage('c2', 'f1', 1, '{}')).toEqual({ action: 'kick', id: 'f1', gen: 1 });
  });

  it('holds an out-of-order event for the reorder window and lets its late predecessor go first', async () => {
    // seq 2 arrives first: it waits (provisional) for seq 1.
    expect(await seq.stage('c3', 'g2', 2, '{"n":2}')).toEqual({ action: 'add', id: 'g2', gen: 1, delayMs: 700 });
    // seq 1 arrives: it takes the turn at once, the held job becomes stale.
    expect(await seq.stage('c3', 'g1', 1, '{"n":1}')).toEqual({ action: 'add', id: 'g1', gen: 2, delayMs: 0 });
    expect(await seq.begin('c3', 'g2', 1)).toEqual({ action: 'kick', id: 'g1', gen: 2 });
    expect(await seq.begin('c3', 'g1', 2)).toEqual({ action: 'go', envelopeJson: '{"n":1}' });
    expect(await seq.advance('c3', 'g1', 2, 1)).toEqual({ action: 'add', id: 'g2', gen: 3, delayMs: 0 });
  });

  it('delivers across a gap that never fills once the window has passed', async () => {
    expect(await seq.stage('c4', 'h3', 3, '{"n":3}')).toEqual({ action: 'add', id: 'h3', gen: 1, delayMs: 700 });
    // The delayed job runs after the window: no predecessor came, so it goes.
    expect(await seq.begin('c4', 'h3', 1)).toEqual({ action: 'go', envelopeJson: '{"n":3}' });
    expect(await seq.stage('c4', 'h4', 4, '{"n":4}')).toEqual({ action: 'queued' });
    expect(await seq.advance('c4', 'h3', 1, 3)).toEqual({ action: 'add', id: 'h4', gen: 2, delayMs: 0 });
  });

  it('yields when a lower seq is staged after a job became in flight but before it started', async () => {
    await seq.stage('c5', 'k2', 2, '{}');
    // k1 is staged while k2's provisional job is not yet started; a begin by k2's job must yield.
    await redis.hset(`${iso.keyPrefix}:call:{c5}:state`, 'prov', '0');
    expect(await seq.stage('c5', 'k1', 1, '{}')).toEqual({ action: 'queued' });
    expect(await seq.begin('c5', 'k2', 1)).toEqual({ action: 'add', id: 'k1', gen: 2, delayMs: 0 });
  });

  it('advance with claim begins the next ready event in the same call', async () => {
    await seq.stage('c7', 'n1', 1, '{"n":1}');
    await seq.stage('c7', 'n2', 2, '{"n":2}');
    await seq.stage('c7', 'n4', 4, '{"n":4}');
    expect(await seq.begin('c7', 'n1', 1)).toEqual({ action: 'go', envelopeJson: '{"n":1}' });
    expect(await seq.advance('c7', 'n1', 1, 1, true)).toEqual({
      action: 'claimed',
      id: 'n2',
      gen: 2,
      envelopeJson: '{"n":2}',
    });
    // A claimed event is a normal in-flight event: its job (if one is made) begins it again.
    expect(await seq.begin('c7', 'n2', 2)).toEqual({ action: 'go', envelopeJson: '{"n":2}' });
    // seq 3 is missing: the next event waits for the reorder window, so it is not claimed.
    expect(await seq.advance('c7', 'n2', 2, 2, true)).toEqual({ action: 'add', id: 'n4', gen: 3, delayMs: 700 });
    expect(await seq.begin('c7', 'n4', 3)).toEqual({ action: 'go', envelopeJson: '{"n":4}' });
    expect(await seq.advance('c7', 'n4', 3, 4, true)).toEqual({ action: 'idle' });
  });

  it('stages a batch in order in one round trip, with a result per event', async () => {
    const out = await seq.stageMany([
      { callId: 'c8', id: 'p1', seq: 1, envelopeJson: '{"n":1}' },
      { callId: 'c8', id: 'p2', seq: 2, envelopeJson: '{"n":2}' },
      // A seq Redis cannot store fails this event only.
      { callId: 'c9', id: 'q1', seq: Number.NaN, envelopeJson: '{}' },
      { callId: 'c8', id: 'p1', seq: 1, envelopeJson: '{"n":1}' },
    ]);
    expect(out.slice(0, 2)).toEqual([{ action: 'add', id: 'p1', gen: 1, delayMs: 0 }, { action: 'queued' }]);
    expect(out[2]).toBeInstanceOf(Error);
    expect(out[3]).toEqual({ action: 'kick', id: 'p1', gen: 1 });
    expect(await seq.stageMany([])).toEqual([]);
  });

  it('ignores an advance from a superseded job and points at the live one', async () => {
    await seq.stage('c6', 'm1', 1, '{}');
    expect(await seq.advance('c6', 'm1', 99, 1)).toEqual({ action: 'kick', id: 'm1', gen: 1 });
  });
});
