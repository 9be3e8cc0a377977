import { CLAIMED_BY_CALLER, DigestVerifier, computeDigestResponse } from '@dragonpbx/shared/sip';
import type { SrfRequest, SrfResponse } from '@dragonpbx/shared/srf';
import { StateStore } from '@dragonpbx/shared/state';
import { createWebhookClient } from '@dragonpbx/shared/webhooks';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallRouter } from '../src/call-router.js';
import { configFrom, silent } from './helpers/config.js';

// CallRouter without a SIP server: requests are plain objects shaped like
// drachtio-srf's, so the 503 paths (Redis unreachable, draining) are shown
// without waiting for real infrastructure to fail.
const D = 'life.test';
const SECRET = 'call-router-lifecycle-secret-0123';
let cfg: Awaited<ReturnType<typeof configFrom>>;
// Nothing listens on port 1: every Redis command fails at once.
const deadRedis = new Redis({ host: '127.0.0.1', port: 1, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
const webhook = createWebhookClient({ timeoutMs: 500 });

beforeAll(async () => {
  cfg = await configFrom({ domains: { [D]: { domain_id: 1, clients: [{ id: 1, username: '1000', password: 'pw' }], trunks: [] } } });
});
afterAll(async () => {
  deadRedis.disconnect();
  webhook.close();
  await cfg?.close();
});

function invite(authorization?: string) {
  const headers: Record<string, string> = { from: `<sip:1000@${D}>;tag=f1`, to: `<sip:2000@${D}>`, 'call-id': `c-${Math.random()}` };
  if (authorization) headers.authorization = authorization;
  const req = {
    uri: `sip:2000@${D}`,
    source_address: '127.0.0.1',
    source_port: 5080,
    headers,
    body: '',
    get: (n: string) => headers[n.toLowerCase()],
    getParsedHeader: () => ({ params: { tag: 'f1' } }),
    on: () => req,
  };
  const sent: { status: number; reason?: string; headers?: Record<string, string> }[] = [];
  const res = { send: (status: number, reason?: string, opts?: { headers?: Record<string, string> }) => sent.push({ status, reason, headers: opts?.headers }) };
  return { req: req as unknown as SrfRequest, res: res as unknown as SrfResponse, sent };
}

function router() {
  const state = new StateStore({ keyPrefix: 'test:cr-life:' }, { redis: deadRedis });
  return new CallRouter({ instanceId: 'life', nonceSecret: SECRET, algorithms: ['MD5'], retryAfterSec: 9 }, { config: cfg.config, state, webhook, events: { publish: async () => {} }, logger: silent });
}

describe('CallRouter lifecycle', () => {
  it('Redis unreachable during the chain → 503 with Retry-After, not 404 or 500', async () => {
    const r = router();
    const verifier = new DigestVerifier({ secret: SECRET }, { replay: CLAIMED_BY_CALLER });
    const nonce = verifier.nonces.issue(D);
    const uri = `sip:2000@${D}`;
    const response = computeDigestResponse({ algorithm: 'MD5', username: '1000', realm: D, password: 'pw', method: 'INVITE', uri, nonce, qop: 'auth', nc: '00000001', cnonce: 'x' });
    const call = invite(`Digest username="1000", realm="${D}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="x"`);
    await r.onInvite(call.req, call.res);
    expect(call.sent).toEqual([{ status: 503, reason: 'Service Unavailable', headers: { 'Retry-After': '9' } }]);
    expect(r.activeCalls).toBe(0);
  });

  it('a malformed INVITE → 400 naming the defect', async () => {
    const call = invite();
    (call.req as unknown as { headers: Record<string, string> }).headers.to = 'garbage';
    await router().onInvite(call.req, call.res);
    expect(call.sent[0]).toMatchObject({ status: 400, headers: { 'X-Reason': expect.stringContaining('To') } });
  });

  it('draining: new INVITEs get 503 with Retry-After; readiness reports it', async () => {
    const r = router();
    expect(await r.readiness()).toMatchObject({ accepting: true });
    await r.drain(100);
    expect(await r.readiness()).toMatchObject({ accepting: false });
    const call = invite();
    await r.onInvite(call.req, call.res);
    expect(call.sent).toEqual([{ status: 503, reason: 'Service Unavailable', headers: { 'Retry-After': '9' } }]);
  });
});
