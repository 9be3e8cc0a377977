import { describe, expect, it } from 'vitest';
import { PbxError } from '../../src/contracts.js';
import { BASE_ENV, envParsers, envVar, NATS_ENV, parseEnv } from '../../src/platform.js';

const ctx = { cwd: '/srv', hostname: 'h', pid: 1 };

describe('parseEnv', () => {
  it('reads only the variables of its schema', () => {
    const env = parseEnv(BASE_ENV, { LOGLEVEL: 'info', REGISTRAR_FLOOD_LIMIT: 'garbage', REDIS_URL: 'not a url' }, ctx);
    expect(env.LOGLEVEL).toBe('info');
    expect(Object.isFrozen(env)).toBe(true);
    expect(Object.keys(env)).not.toContain('REDIS_URL');
  });

  it('reads a documented alias when the variable itself is unset, the variable when both are', () => {
    expect(parseEnv(NATS_ENV, { HOOK_SUBJECT_PREFIX: 'old' }, ctx).NATS_SUBJECT_PREFIX).toBe('old');
    expect(parseEnv(NATS_ENV, { HOOK_SUBJECT_PREFIX: 'old', NATS_SUBJECT_PREFIX: 'new' }, ctx).NATS_SUBJECT_PREFIX).toBe('new');
  });

  it('names the variable as set (an alias too), and hides secrets', () => {
    const schema = { N: envVar(envParsers.integer(1, 2), 1, 'n', { aliases: ['OLD_N'] }), S: envVar(envParsers.port(), 1, 's', { secret: true }) };
    const err = (vars: Record<string, string>) => {
      try {
        parseEnv(schema, vars, ctx);
      } catch (e) {
        return e as PbxError;
      }
      throw new Error('expected a failure');
    };
    expect(err({ OLD_N: '9' }).message).toBe('invalid OLD_N: expected an integer from 1 to 2, got "9"');
    expect(err({ OLD_N: '9' }).code).toBe('PBX_ERR_ENV_INVALID');
    expect(err({ S: 'x' }).message).toBe('invalid S: bad value (not shown)');
  });
});
