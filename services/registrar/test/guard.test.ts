import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAIN, type Harness, defaultConfig, startHarness } from './helpers/harness.js';
import { RegisterUa } from '@dragonpbx/testkit';

// Flood protection (pike-style, shared in Redis) and scanner User-Agent rejection.
let banned: Harness;
let trusted: Harness;
let trunkSource: Harness;

beforeAll(async () => {
  banned = await startHarness(27061);
  // A long window so a slow machine cannot split the burst over two windows.
  await banned.startReplica({ flood: { limit: 5, windowMs: 20_000, banMs: 3000 } });
  trusted = await startHarness(27062);
  await trusted.startReplica({ flood: { limit: 2, windowMs: 2000, banMs: 3000 }, trustedCidrs: ['127.0.0.0/8'] });
  trunkSource = await startHarness(27064, (hook) => {
    const doc = defaultConfig(hook) as { domains: Record<string, { trunks: unknown[] }> };
    doc.domains[DOMAIN]!.trunks.push({ id: 3, name: 'local', inbound: ['127.0.0.1/32'] });
    return doc;
  });
  await trunkSource.startReplica({ flood: { limit: 2, windowMs: 2000, banMs: 3000 } });
});

afterAll(async () => {
  await banned?.stop();
  await trusted?.stop();
  await trunkSource?.stop();
});

describe('flood protection', () => {
  it('answers up to the limit, then bans the source: no answer, ban recorded in Redis', async () => {
    const ua = await RegisterUa.open(banned.sipPort);
    try {
      for (let i = 0; i < 5; i++) expect((await ua.register({ domain: DOMAIN, user: '1001' }))?.status).toBe(401);
      expect(await ua.register({ domain: DOMAIN, user: '1001' }, 800)).toBeUndefined();
      const ttl = await banned.redis.pttl(banned.state.keys.floodBan('127.0.0.1'));
      expect(ttl).toBeGreaterThan(1000);
      expect(ttl).toBeLessThanOrEqual(3000);
      // Still banned: silence, also for OPTIONS.
      expect(await ua.register({ domain: DOMAIN, user: '1001' }, 500)).toBeUndefined();
      // The ban lapses: answered again.
      await banned.state.flood.unban('127.0.0.1');
      expect((await ua.register({ domain: DOMAIN, user: '1001' }))?.status).toBe(401);
    } finally {
      ua.close();
    }
  });

  it('never counts trusted CIDRs', async () => {
    const ua = await RegisterUa.open(trusted.sipPort);
    try {
      for (let i = 0; i < 8; i++) expect((await ua.register({ domain: DOMAIN, user: '1001' }))?.status).toBe(401);
      expect(await trusted.redis.exists(trusted.state.keys.floodBan('127.0.0.1'))).toBe(0);
      expect(await trusted.redis.exists(trusted.state.keys.floodCounter('127.0.0.1'))).toBe(0);
    } finally {
      ua.close();
    }
  });
});

describe('trunk sources', () => {
  it('never counts a source inside a configured trunk inbound CIDR', async () => {
    const ua = await RegisterUa.open(trunkSource.sipPort);
    try {
      for (let i = 0; i < 6; i++) expect((await ua.register({ domain: DOMAIN, user: '1001' }))?.status).toBe(401);
      expect(await trunkSource.redis.exists(trunkSource.state.keys.floodCounter('127.0.0.1'))).toBe(0);
    } finally {
      ua.close();
    }
  });
});

describe('scanner User-Agents', () => {
  it('drops REGISTERs from scanner User-Agents without an answer', async () => {
    const ua = await RegisterUa.open(trusted.sipPort);
    try {
      expect(await ua.register({ domain: DOMAIN, user: '100', userAgent: 'friendly-scanner' }, 600)).toBeUndefined();
      expect(await ua.register({ domain: DOMAIN, user: '100', userAgent: 'SIPVicious 0.3' }, 600)).toBeUndefined();
      expect((await ua.register({ domain: DOMAIN, user: '1001', userAgent: 'Yealink T46' }))?.status).toBe(401);
    } finally {
      ua.close();
    }
  });
});
