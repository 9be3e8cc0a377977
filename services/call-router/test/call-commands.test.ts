// REST commands across replicas without a SIP server: two CallRouters share real Redis (live-call
// summaries) and real NATS (`dragon.calls.<instanceId>.<op>`); a trunk INVITE shaped like
// drachtio-srf's is routed by one, and the other's CallCommands reach it. The engine's
// refusals keep their code across NATS; a gone owner is PBX_ERR_API_OWNER_UNREACHABLE.
import { randomBytes } from 'node:crypto';
import { PbxError } from '@dragonpbx/shared/contracts';
import { createSubjects } from '@dragonpbx/shared/messaging';
import type { SrfRequest, SrfResponse } from '@dragonpbx/shared/srf';
import { StateStore } from '@dragonpbx/shared/state';
import { createWebhookClient } from '@dragonpbx/shared/webhooks';
import { HookServer, until } from '@dragonpbx/testkit';
import { Redis } from 'ioredis';
import { type NatsConnection, connect } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallCommands } from '../src/api/call-commands.js';
import { CallRouter } from '../src/call-router.js';
import { configFrom, silent } from './helpers/config.js';

const D = 'cmd.test';
const tag = randomBytes(4).toString('hex');
const subjects = createSubjects({ prefix: `crcmd${tag}` });
const hook = new HookServer();
const webhook = createWebhookClient({ timeoutMs: 1000 });
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
let nc: NatsConnection;
let cfg: Awaited<ReturnType<typeof configFrom>>;
let state: StateStore;

/** Replica `name`: its router and its CallCommands (serving its own subject). */
function replica(name: string) {
  const router = new CallRouter(
    { instanceId: name, nonceSecret: 'call-commands-test-secret-0123', algorithms: ['MD5'] },
    { config: cfg.config, state, webhook, events: { publish: async () => {} }, logger: silent },
  );
  const commands = new CallCommands({ instanceId: name, subjects, timeoutMs: 2000 }, { calls: state.calls, local: router, nc, logger: silent });
  return { router, commands, sub: commands.serve() };
}
let a: ReturnType<typeof replica>;
let b: ReturnType<typeof replica>;

beforeAll(async () => {
  await hook.start();
  cfg = await configFrom({
    domains: { [D]: { domain_id: 1, clients: [], trunks: [{ id: 4, name: 'peer', inbound: ['127.0.0.1/32'], dialplan: { '*': { callHook: hook.url('/call') } } }] } },
  });
  nc = await connect({ servers: process.env.NATS_URL ?? '127.0.0.1:4222' });
  state = new StateStore({ keyPrefix: `test:cr-cmd-${tag}:` }, { redis });
  a = replica(`cr-a-${tag}`);
  b = replica(`cr-b-${tag}`);
});

afterAll(async () => {
  for (const r of [a, b]) {
    await r?.router.stop();
    await r?.sub.drain().catch(() => undefined);
  }
  await nc?.close();
  const keys = await redis.keys(`test:cr-cmd-${tag}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  webhook.close();
  await hook.stop();
  await cfg?.close();
});

/** A trunk INVITE (no SDP) routed by `router`; `sent` collects its final responses. */
function trunkInvite(router: CallRouter) {
  const callId = `cmd-${randomBytes(6).toString('hex')}@127.0.0.1`;
  const headers: Record<string, string> = { from: `<sip:0207@${D}>;tag=f1`, to: `<sip:555@${D}>`, 'call-id': callId };
  const req = {
    uri: `sip:555@${D}`,
    source_address: '127.0.0.1',
    source_port: 5080,
    headers,
    body: '',
    get: (n: string) => headers[n.toLowerCase()],
    getParsedHeader: () => ({ params: { tag: 'f1' } }),
    on: () => req,
  };
  const sent: { status: number; headers?: Record<string, string> }[] = [];
  const res = { send: (status: number, _reason?: string, opts?: { headers?: Record<string, string> }) => sent.push({ status, headers: opts?.headers }) };
  const done = router.onInvite(req as unknown as SrfRequest, res as unknown as SrfResponse);
  return { callId, sent, done };
}

/** The PbxError `p` rejects with, as `{code, statusCode}`. */
async function refusal(p: Promise<unknown>): Promise<{ code: string; statusCode: number }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PbxError);
  const { code, statusCode } = err as PbxError;
  return { code, statusCode };
}

describe('CallCommands across replicas', () => {
  it('a call owned by the other replica: its refusals come back with their code and status; its hang-up gives the caller 480', async () => {
    hook.json('/call', [{ verb: 'pause', duration: 10 }]);
    const call = trunkInvite(a.router);
    await until(async () => (await state.calls.get(call.callId)) !== undefined, 3000, 'the summary');
    const summary = await b.commands.summary(D, call.callId);
    expect(summary).toMatchObject({ instanceId: `cr-a-${tag}`, state: 'trying', extra: { caller: { trunk: 4 } } });
    expect(b.router.session(call.callId)).toBeUndefined();
    expect(a.router.session(call.callId)).toBeDefined();

    expect(await refusal(b.commands.update(D, call.callId, 'A', [{ verb: 'pause', duration: 1 }]))).toEqual({ code: 'PBX_ERR_CALL_LEG_STATE', statusCode: 409 });
    expect(await refusal(b.commands.update(D, call.callId, 'B', [{ verb: 'pause', duration: 1 }]))).toEqual({ code: 'PBX_ERR_CALL_LEG_STATE', statusCode: 409 });
    expect(await refusal(b.commands.hangup(D, call.callId, 'B'))).toEqual({ code: 'PBX_ERR_CALL_LEG_STATE', statusCode: 409 });
    expect(await refusal(b.commands.hangup('other.test', call.callId, 'A'))).toEqual({ code: 'PBX_ERR_API_CALL_UNKNOWN', statusCode: 404 });
    expect(call.sent).toEqual([]);

    const t0 = Date.now();
    await b.commands.hangup(D, call.callId, 'A');
    await call.done;
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(call.sent).toEqual([{ status: 480, headers: { 'X-Reason': 'ended through the REST API' } }]);
    expect(await state.calls.get(call.callId)).toBeUndefined();
    expect(await refusal(b.commands.hangup(D, call.callId, 'A'))).toEqual({ code: 'PBX_ERR_API_CALL_UNKNOWN', statusCode: 404 });
  });

  it('an attended transfer naming a call of the other replica that is not bridged: 481 PBX_ERR_REPLACES_NO_DIALOG across NATS; another domain: unknown', async () => {
    hook.json('/call', [{ verb: 'pause', duration: 10 }]);
    const call = trunkInvite(a.router);
    await until(async () => (await state.calls.get(call.callId)) !== undefined, 3000, 'the summary');
    const request = {
      replaces: { callId: call.callId, toTag: 'x', fromTag: 'f1' },
      peer: { callId: 'other-call', domain: D },
      offer: 'v=0\r\n',
      media: { callId: 'other-call', tag: 'b1' },
    };
    expect(await refusal(b.commands.replace(D, call.callId, request))).toEqual({ code: 'PBX_ERR_REPLACES_NO_DIALOG', statusCode: 481 });
    expect(await refusal(b.commands.replace('other.test', call.callId, request))).toEqual({ code: 'PBX_ERR_API_CALL_UNKNOWN', statusCode: 404 });
    const bad = await nc.request(subjects.calls(`cr-a-${tag}`, 'replace'), new TextEncoder().encode(JSON.stringify({ callId: call.callId, leg: 'A', replace: { ...request, offer: 5 } })), { timeout: 2000 });
    expect(JSON.parse(new TextDecoder().decode(bad.data))).toMatchObject({ ok: false, error: { code: 'PBX_ERR_NATS_BAD_MESSAGE' } });
    await b.commands.hangup(D, call.callId, 'A');
    await call.done;
  });

  it('the owner is gone (a summary naming a replica nobody runs): 503 PBX_ERR_API_OWNER_UNREACHABLE', async () => {
    const callId = `ghost-${tag}`;
    await state.calls.put({ callId, instanceId: `cr-gone-${tag}`, domain: D, from: 'x', to: 'y', state: 'connected', startedAt: Date.now(), extensions: [] }, 30);
    expect(await refusal(a.commands.hangup(D, callId, 'A'))).toEqual({ code: 'PBX_ERR_API_OWNER_UNREACHABLE', statusCode: 503 });
    await state.calls.remove(callId);
  });

  it('a malformed command on the subject is answered with an error, and the replica goes on serving', async () => {
    const reply = await nc.request(subjects.calls(`cr-a-${tag}`, 'hangup'), new TextEncoder().encode('{"callId":5}'), { timeout: 2000 });
    expect(JSON.parse(new TextDecoder().decode(reply.data))).toMatchObject({ ok: false, error: { code: 'PBX_ERR_NATS_BAD_MESSAGE' } });
    expect(await refusal(b.commands.hangup(D, 'no-such-call', 'A'))).toEqual({ code: 'PBX_ERR_API_CALL_UNKNOWN', statusCode: 404 });
  });
});
