import { randomBytes } from 'node:crypto';
import { SipError } from '@dragonpbx/shared/contracts';
import { CLAIMED_BY_CALLER, DigestVerifier, computeDigestResponse } from '@dragonpbx/shared/sip';
import { StateStore } from '@dragonpbx/shared/state';
import { createWebhookClient } from '@dragonpbx/shared/webhooks';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateCaller } from '../src/routing/authenticate-caller.js';
import type { InviteInfo } from '../src/routing/invite-info.js';
import { configFrom } from './helpers/config.js';
import { HookServer } from '@dragonpbx/testkit';

// Authentication of INVITEs against real Redis (nonce replay records) and a real RegHook.
const D = 'auth.test';
const hook = new HookServer();
const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
const prefix = `test:cr-auth:${randomBytes(4).toString('hex')}:`;
const state = new StateStore({ keyPrefix: prefix }, { redis });
const verifier = new DigestVerifier({ secret: 'call-router-auth-test-secret-0123' }, { replay: CLAIMED_BY_CALLER });
const webhook = createWebhookClient({ timeoutMs: 1000 });
let cfg: Awaited<ReturnType<typeof configFrom>>;
const options = { algorithms: ['SHA-256', 'MD5'] as const, retryAfterSec: 7, hookTimeoutMs: 300 };
let deps: Parameters<typeof authenticateCaller>[2];

beforeAll(async () => {
  await hook.start();
  cfg = await configFrom({
    domains: {
      [D]: {
        domain_id: 1,
        clients: [
          { id: 1, username: '1000', password: 'pw1000' },
          { id: 2, username: '2???', reghook: hook.url('/reghook') },
        ],
        trunks: [{ id: 9, name: 'peer', inbound: [], authType: 'authentication', authUser: 'peeruser', authPass: 'peerpass' }],
      },
    },
  });
  deps = { config: cfg.config, verifier, replay: state.nonces, webhook };
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  webhook.close();
  await hook.stop();
  await cfg?.close();
});

const invite = (authorization?: string): InviteInfo => ({
  domain: D,
  from: '1000',
  to: '1001',
  callId: 'x',
  sourceIp: '127.0.0.1',
  sourcePort: 5099,
  headers: {},
  ...(authorization !== undefined && { authorization }),
});

/** An Authorization header answering a fresh challenge, as a phone would. */
function authorize(username: string, password: string, o: { algorithm?: 'MD5' | 'SHA-256'; nc?: string; nonce?: string } = {}): string {
  const algorithm = o.algorithm ?? 'MD5';
  const nonce = o.nonce ?? verifier.nonces.issue(D);
  const uri = `sip:1001@${D}`;
  const nc = o.nc ?? '00000001';
  const cnonce = 'abc123';
  const response = computeDigestResponse({ algorithm, username, realm: D, password, method: 'INVITE', uri, nonce, qop: 'auth', nc, cnonce });
  return `Digest username="${username}", realm="${D}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=${algorithm}, qop=auth, nc=${nc}, cnonce="${cnonce}"`;
}

const refusal = (p: Promise<unknown>) => p.then(() => 'accepted', (e: SipError) => `${e.status} ${e.headers['X-Reason'] ?? e.reason}`);

describe('authenticateCaller', () => {
  it('challenges an INVITE without credentials', async () => {
    expect(await authenticateCaller(invite(), options, deps)).toEqual({ kind: 'challenge', stale: false });
  });

  it('static-password client: MD5 and SHA-256 accepted once; the same (nonce, nc) again is refused', async () => {
    const md5 = authorize('1000', 'pw1000');
    expect(await authenticateCaller(invite(md5), options, deps)).toMatchObject({ kind: 'caller', caller: { kind: 'client', username: '1000' } });
    expect(await refusal(authenticateCaller(invite(md5), options, deps))).toBe('403 Nonce reused');
    const sha = authorize('1000', 'pw1000', { algorithm: 'SHA-256' });
    expect(await authenticateCaller(invite(sha), options, deps)).toMatchObject({ kind: 'caller' });
    expect(await refusal(authenticateCaller(invite(authorize('1000', 'wrong')), options, deps))).toBe('403 Invalid credentials');
    expect(await refusal(authenticateCaller(invite(authorize('9999', 'x')), options, deps))).toBe('403 Invalid credentials');
  });

  it('a forged nonce is re-challenged; an algorithm not offered is re-challenged', async () => {
    expect(await authenticateCaller(invite(authorize('1000', 'pw1000', { nonce: 'x'.repeat(64) })), options, deps)).toEqual({ kind: 'challenge', stale: false });
    const onlySha = { ...options, algorithms: ['SHA-256'] as const };
    expect(await authenticateCaller(invite(authorize('1000', 'pw1000')), onlySha, deps)).toEqual({ kind: 'challenge', stale: false });
  });

  it('a trunk authenticates with its authUser/authPass', async () => {
    expect(await authenticateCaller(invite(authorize('peeruser', 'peerpass')), options, deps)).toMatchObject({
      kind: 'caller',
      caller: { kind: 'trunk', matchedBy: 'digest', trunk: { id: 9 } },
    });
    expect(await refusal(authenticateCaller(invite(authorize('peeruser', 'nope')), options, deps))).toBe('403 Invalid credentials');
  });

  it('RegHook client: the hook gets method INVITE and expires null; reject → 403, down → 503 with Retry-After', async () => {
    hook.json('/reghook', { status: 'ok' });
    expect(await authenticateCaller(invite(authorize('2001', 'any')), options, deps)).toMatchObject({ kind: 'caller', caller: { username: '2001' } });
    expect(hook.callsTo('/reghook').at(-1)?.body).toMatchObject({ username: '2001', method: 'INVITE', expires: null, realm: D, source_port: 5099 });
    hook.json('/reghook', { status: 'denied' });
    expect(await refusal(authenticateCaller(invite(authorize('2001', 'any')), options, deps))).toBe('403 Invalid credentials');
    hook.route('/reghook', () => ({ kind: 'hang' }));
    const down = await authenticateCaller(invite(authorize('2001', 'any')), options, deps).catch((e: SipError) => e);
    expect(down).toBeInstanceOf(SipError);
    expect(down).toMatchObject({ status: 503, headers: { 'Retry-After': '7' } });
  });

  it('unparseable credentials → 400', async () => {
    expect(await refusal(authenticateCaller(invite('Digest username="1000"'), options, deps))).toMatch(/^400 /);
  });
});
