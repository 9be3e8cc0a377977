import { describe, expect, it } from 'vitest';
import { resolveDispatcherOptions } from '../src/config/dispatcher-options.js';
import { optionsFromEnv } from '../src/config/env-options.js';
import { decodeStatusEnvelope } from '@dragonpbx/shared/contracts';
import { destinationHost } from '../src/envelope/destination-host.js';

const good = {
  id: '0190f4c2-6d7e-7b1a-9c3e-1234567890ab',
  callId: 'a84b4c76e66710@pc33.example.com',
  seq: 1,
  url: 'https://hooks.example.com/status',
  body: { callId: 'a84b4c76e66710@pc33.example.com', event: 'connect:trying', seq: 1 },
  createdAt: '2026-11-27T16:00:00.000Z',
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
};

describe('status envelope', () => {
  it('accepts a well-formed event', () => {
    expect(decodeStatusEnvelope(JSON.stringify(good))).toEqual(good);
    expect(destinationHost('HTTP://Hooks.Example.com:8080/x')).toBe('hooks.example.com:8080');
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['missing id', JSON.stringify({ ...good, id: undefined }), /\/id/],
    ['id with a colon', JSON.stringify({ ...good, id: 'a:b' }), /\/id/],
    ['seq 0', JSON.stringify({ ...good, seq: 0 }), /\/seq/],
    ['ftp url', JSON.stringify({ ...good, url: 'ftp://x/y' }), /\/url/],
    ['body not an object', JSON.stringify({ ...good, body: 'x' }), /\/body/],
    ['bad createdAt', JSON.stringify({ ...good, createdAt: 'yesterday' }), /\/createdAt/],
    ['bad traceparent', JSON.stringify({ ...good, traceparent: 'zz' }), /\/traceparent/],
  ])('rejects %s with PBX_ERR_HOOK_EVENT_INVALID', (_name, raw, path) => {
    expect(() => decodeStatusEnvelope(raw)).toThrow(expect.objectContaining({ code: 'PBX_ERR_HOOK_EVENT_INVALID' }));
    expect(() => decodeStatusEnvelope(raw)).toThrow(path);
  });

  it('rejects oversized payloads', () => {
    const big = JSON.stringify({ ...good, body: { pad: 'x'.repeat(1024 * 1024) } });
    expect(() => decodeStatusEnvelope(Buffer.from(big))).toThrow(/larger than/);
  });
});

describe('dispatcher options', () => {
  it('fills documented defaults and freezes', () => {
    const o = resolveDispatcherOptions();
    expect(o.maxAttempts).toBe(12);
    expect(o.streamName).toBe('DRAGON_STATUS');
    expect(Object.isFrozen(o)).toBe(true);
  });

  it.each([
    [{ maxAttempts: 0 }, /maxAttempts/],
    [{ concurrency: 4, hostConcurrency: 8 }, /hostConcurrency/],
    [{ streamName: 'a.b' }, /streamName/],
    [{ subjectPrefix: 'a..b' }, /subjectPrefix/],
    [{ backoffBaseMs: 10_000, backoffMaxMs: 5000 }, /backoffMaxMs/],
    [{ requestTimeoutMs: 1.5 }, /requestTimeoutMs/],
  ])('rejects %o', (input, msg) => {
    expect(() => resolveDispatcherOptions(input)).toThrow(expect.objectContaining({ code: 'PBX_ERR_HOOK_CONFIG_INVALID' }));
    expect(() => resolveDispatcherOptions(input)).toThrow(msg);
  });

  it('reads HOOK_* variables and names a bad one', () => {
    expect(optionsFromEnv({ HOOK_MAX_ATTEMPTS: '3', HOOK_QUEUE: 'q1', HOOK_LOCK_MS: '' })).toEqual({
      maxAttempts: 3,
      queueName: 'q1',
    });
    expect(() => optionsFromEnv({ HOOK_CONCURRENCY: 'ten' })).toThrow(/HOOK_CONCURRENCY/);
  });
});
