import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LuaScript } from '../src/state/lua-script.js';
import { StateStore } from '../src/state/state-store.js';
import { PbxError } from '../src/errors/pbx-error.js';
import { stateFixture } from './state-fixture.js';

type Fixture = Awaited<ReturnType<typeof stateFixture>>;
let f: Fixture;
beforeEach(async () => {
  f = await stateFixture();
});
afterEach(async () => {
  await f.cleanup();
});

describe('LuaScript', () => {
  it('falls back to EVAL for a script Redis has never seen, then runs by SHA', async () => {
    // A unique source guarantees NOSCRIPT on the first EVALSHA.
    const script = new LuaScript(`return ARGV[1] .. '-' .. KEYS[1] -- ${randomBytes(8).toString('hex')}`, 1);
    expect(await f.redis.script('EXISTS', script.sha)).toEqual([0]);
    expect(await script.run(f.redis, [`${f.prefix}k`], ['v'])).toBe(`v-${f.prefix}k`);
    expect(await f.redis.script('EXISTS', script.sha)).toEqual([1]);
    expect(await script.run(f.redis, [`${f.prefix}k`], ['w'])).toBe(`w-${f.prefix}k`);
  });

  it('passes script errors through and checks the key count', async () => {
    const broken = new LuaScript(`return redis.call('NOSUCHCOMMAND') -- ${randomBytes(8).toString('hex')}`, 0);
    await expect(broken.run(f.redis, [], [])).rejects.toThrow(/Unknown Redis command|unknown command/i);
    await expect(broken.run(f.redis, ['x'], [])).rejects.toThrow(TypeError);
  });
});

describe('StateStore options', () => {
  it('applies the key prefix to every key and refuses prefixes that would break hash tags', () => {
    expect(f.store.keys.client('d.example', '1000')).toBe(`${f.prefix}client:{d.example}:1000`);
    expect(new StateStore({}, { redis: f.redis }).keys.call('abc')).toBe('call:abc');
    for (const bad of ['a{b', 'a b']) {
      let err: unknown;
      try {
        new StateStore({ keyPrefix: bad }, { redis: f.redis });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(PbxError);
      expect((err as PbxError).code).toBe('PBX_ERR_STATE_INPUT_INVALID');
    }
    expect(Object.isFrozen(f.store)).toBe(true);
  });
});
