import { PBX_ERR_MEDIA_ENGINE_TIMEOUT } from '@dragonpbx/shared/contracts';
import { describe, expect, it } from 'vitest';
import { EnginePool } from '../src/engine/engine-pool.js';
import type { EngineAddress } from '../src/ng/engine-address.js';
import type { NgClient } from '../src/ng/ng-client.js';

// Pure unit test of placement and state changes: a scripted stand-in for the
// ng client (real engines are exercised in media-pool.test.ts).

function fakeNg(sessions: Record<number, number | 'dead'>): NgClient {
  return {
    async send(engine: EngineAddress, command: string) {
      const s = sessions[engine.port];
      if (s === 'dead') throw new PBX_ERR_MEDIA_ENGINE_TIMEOUT(`${engine.host}:${engine.port}`, command, 10);
      return command === 'ping' ? { result: 'pong' } : { result: 'ok', statistics: { currentstatistics: { sessionsown: s } } };
    },
  } as unknown as NgClient;
}

const engines = [1, 2, 3].map((port) => ({ host: 'h', port }));

describe('EnginePool', () => {
  it('places new calls on the least loaded healthy engine, counting its own placements', async () => {
    const pool = new EnginePool({ engines, healthIntervalMs: 60_000, placement: 'least-loaded' }, { ng: fakeNg({ 1: 5, 2: 1, 3: 'dead' }) });
    await pool.start();
    pool.stop();
    expect(pool.engines.map((e) => e.state)).toEqual(['up', 'up', 'down']);
    const picks = Array.from({ length: 6 }, () => pool.pick().id);
    // h:2 has 1 session: it takes calls until it reaches 5, then both share.
    expect(picks.slice(0, 4)).toEqual(['h:2', 'h:2', 'h:2', 'h:2']);
    expect(new Set(picks.slice(4))).toEqual(new Set(['h:1', 'h:2']));
  });

  it('goes round robin when asked, skips excluded engines, and fails clearly with none up', async () => {
    const states: string[] = [];
    const pool = new EnginePool({ engines, healthIntervalMs: 60_000, placement: 'round-robin' }, { ng: fakeNg({ 1: 0, 2: 9, 3: 0 }) });
    pool.on('state', (e, prev) => states.push(`${e.id}:${prev}->${e.state}`));
    pool.on('state', () => {
      throw new Error('a broken listener is contained');
    });
    await pool.checkAll();
    expect(states).toEqual(['h:1:unknown->up', 'h:2:unknown->up', 'h:3:unknown->up']);
    expect([pool.pick().id, pool.pick().id, pool.pick().id, pool.pick().id]).toEqual(['h:1', 'h:2', 'h:3', 'h:1']);
    expect(pool.pick(new Set(['h:1', 'h:3'])).id).toBe('h:2');
    for (const e of pool.engines) pool.markDown(e, 'test');
    expect(pool.healthy).toBe(false);
    expect(() => pool.pick()).toThrow(expect.objectContaining({ code: 'PBX_ERR_MEDIA_NO_ENGINE' }));
  });
});
