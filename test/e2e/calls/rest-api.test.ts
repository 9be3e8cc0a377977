// The REST call API (docs/contract.md §5.1) on the real stack: two call-router replicas, each
// with its API on its own WEBPORT behind API_TOKEN; SIPp phones registered through the
// registrar call each other. Commands sent to the replica that does not own the call reach
// the owner over NATS (`dragon.calls.<instanceId>.<op>`). Ports 28200-28299.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '@dragonpbx/testkit';
import { CallStack, DOMAIN, sipPort } from './support/call-stack.js';
import { describeSipp, registerPhones, sippPhones } from './support/sipp.js';

const SIP = sipPort(28200);
const PHONE: Record<string, number> = { '1001': 28210, '1002': 28211, '1003': 28212 };
/** SIPp media ports (each takes the port and the port + 2). */
const MEDIA: Record<string, number> = { '1001': 28220, '1002': 28224, '1003': 28228 };
/** Each call-router replica's WEBPORT. */
const WEB = [28240, 28241];
const TOKEN = 'e2e-rest-token-0123456789';
const target = `127.0.0.1:${SIP}`;
let stack: CallStack;

beforeAll(async () => {
  stack = await CallStack.start({
    ports: { sip: SIP, admin: 28201, ops: 28202 },
    routers: 2,
    codecs: () => ['PCMU'],
    env: { API_TOKEN: TOKEN, API_HOST: '127.0.0.1' },
    routerEnv: (i) => ({ WEBPORT: String(WEB[i]) }),
  });
  await registerPhones(target, DOMAIN, PHONE, (u) => MEDIA[u]!);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

const { phone, call } = sippPhones({ target, domain: DOMAIN, sipPorts: PHONE, mediaPorts: MEDIA });

/** A call as the API shows it (the fields the tests read). */
interface CallJson {
  readonly callId: string;
  readonly instanceId: string;
  readonly from: string;
  readonly to: string;
  readonly endpointB: unknown;
}

interface Answer {
  status: number;
  /** The JSON body; `code` on an error. */
  body: { code?: string; [key: string]: unknown } | unknown;
  headers: Headers;
}

const codeOf = (r: Answer) => (r.body as { code?: string }).code;

/** One request to replica `i`'s API, with the token unless told otherwise. */
async function rest(i: number, method: string, path: string, body?: unknown, token: string | null = TOKEN): Promise<Answer> {
  const res = await fetch(`http://127.0.0.1:${WEB[i]}${path}`, {
    method,
    headers: { ...(token !== null && { authorization: `Bearer ${token}` }), ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text), headers: res.headers };
}

const callPath = (callId: string, leg?: 'A' | 'B') => `/domains/${DOMAIN}/calls/${encodeURIComponent(callId)}${leg ? `?leg=${leg}` : ''}`;

/** Waits until the live call list (asked of replica 0) has a call matching `pick`; returns it. */
async function liveCall(pick: (c: CallJson) => boolean): Promise<CallJson> {
  let found: CallJson | undefined;
  await until(async () => {
    const r = await rest(0, 'GET', `/domains/${DOMAIN}/calls`);
    found = r.status === 200 ? (r.body as CallJson[]).find(pick) : undefined;
    return found !== undefined;
  }, 10_000, 'the live call in GET /calls');
  return found!;
}

/** The replica owning `view`'s call, and the other one. */
function replicas(view: { instanceId: string }): { owner: number; other: number } {
  const owner = view.instanceId === stack.routerName(0) ? 0 : 1;
  expect(view.instanceId).toBe(stack.routerName(owner));
  return { owner, other: 1 - owner };
}

describe('auth and errors', () => {
  it('401 without a token or with a wrong one (PBX_ERR_API_UNAUTHORIZED, WWW-Authenticate: Bearer); liveness and the OpenAPI document need none', async () => {
    for (const token of [null, 'wrong-token']) {
      const r = await rest(1, 'GET', `/domains/${DOMAIN}/calls`, undefined, token);
      expect(r.status).toBe(401);
      expect(codeOf(r)).toBe('PBX_ERR_API_UNAUTHORIZED');
      expect(r.headers.get('www-authenticate')).toBe('Bearer');
    }
    expect((await rest(0, 'GET', '/health', undefined, null)).status).toBe(200);
    const doc = await rest(0, 'GET', '/docs/openapi.json', undefined, null);
    expect(doc.status).toBe(200);
    const { openapi, paths } = doc.body as { openapi: string; paths: Record<string, unknown> };
    expect(openapi).toBe('3.1.0');
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['/domains/{did}/calls/{callId}', '/domains/{did}/clients/{cid}']));
  });

  it('404 with a stable code: unknown call, unknown domain, unregistered client; 400 for a bad leg', async () => {
    const unknown = await rest(0, 'GET', callPath('no-such-call@nowhere'));
    expect(unknown).toMatchObject({ status: 404, body: { code: 'PBX_ERR_API_CALL_UNKNOWN' } });
    expect(codeOf(await rest(1, 'DELETE', callPath('no-such-call@nowhere')))).toBe('PBX_ERR_API_CALL_UNKNOWN');
    expect(await rest(0, 'GET', '/domains/nowhere.test/calls')).toMatchObject({ status: 404, body: { code: 'PBX_ERR_API_DOMAIN_UNKNOWN' } });
    expect(await rest(0, 'GET', `/domains/${DOMAIN}/clients/9999`)).toMatchObject({ status: 404, body: { code: 'PBX_ERR_API_CLIENT_UNKNOWN' } });
    expect(await rest(0, 'DELETE', `${callPath('x')}?leg=C`)).toMatchObject({ status: 400, body: { code: 'PBX_ERR_API_BAD_REQUEST' } });
  });

  it('domains and registered clients, from the registrar\'s records in Redis', async () => {
    expect((await rest(0, 'GET', '/domains')).body).toEqual([DOMAIN]);
    expect((await rest(1, 'GET', `/domains/${DOMAIN}`)).body).toBe(1);
    expect((await rest(1, 'GET', '/domains/nowhere.test')).body).toBe(false);
    expect((await rest(0, 'GET', `/domains/${DOMAIN}/clients`)).body).toEqual(['1001', '1002', '1003']);
    const c = await rest(1, 'GET', '/domains/1/clients/1001');
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ domain: DOMAIN, username: '1001', contacts: [{ source: { ip: '127.0.0.1', port: PHONE['1001'] } }] });
  });
});

describe('a bridged call', () => {
  it('list and get on both replicas, then hang up through the replica that does not own it: both phones get BYE, the call is gone', async () => {
    stack.hook.json('/call', [{ verb: 'connect', dest: { type: 'client', address: '1002' } }]);
    const callee = phone('1002', 'uas-answer-wait-bye.xml');
    const caller = call('1001', '1002', 'uac-call-wait-bye.xml');
    const view = await liveCall((c) => c.from === '1001' && c.endpointB !== null);
    expect(view).toMatchObject({
      domain: DOMAIN,
      to: '1002',
      connected: true,
      state: 'connected',
      lastStatus: 200,
      endpointA: { client: '1001' },
      endpointB: { type: 'client', address: '1002' },
    });
    const { owner, other } = replicas(view);
    for (const i of [owner, other]) {
      const got = await rest(i, 'GET', callPath(view.callId));
      expect(got.status).toBe(200);
      expect(got.body).toEqual(view);
    }
    expect(((await rest(other, 'GET', '/domains/1/calls')).body as CallJson[]).map((c) => c.callId)).toContain(view.callId);

    const hung = await rest(other, 'DELETE', callPath(view.callId));
    expect(hung).toMatchObject({ status: 200, body: { callId: view.callId, leg: 'A', accepted: true } });
    const a = await caller.done;
    expect(a.code, describeSipp(a)).toBe(0);
    const b = await callee.done;
    expect(b.code, describeSipp(b)).toBe(0);
    await until(async () => (await rest(owner, 'GET', callPath(view.callId))).status === 404, 5000, 'the call gone');
    const events = await stack.eventsUntil(view.callId, 'connect:complete');
    expect(events.find((e) => e.event === 'connect:hangup')).toMatchObject({ endedby: 'A' });
  });

  it('hang up leg B through the owner: A stays and hears the next verb; a second leg-B hang-up is 409', async () => {
    stack.hook.json('/call', [{ verb: 'connect', dest: { type: 'client', address: '1002' } }, { verb: 'announce', url: 'file:/long.wav' }]);
    const callee = phone('1002', 'uas-answer-wait-bye.xml');
    const caller = call('1001', '1002', 'uac-call-wait-bye.xml');
    const view = await liveCall((c) => c.from === '1001' && c.endpointB !== null);
    const { owner } = replicas(view);
    expect((await rest(owner, 'DELETE', callPath(view.callId, 'B'))).status).toBe(200);
    const b = await callee.done;
    expect(b.code, describeSipp(b)).toBe(0);
    await stack.eventsUntil(view.callId, 'playback:start');
    const again = await rest(owner, 'DELETE', callPath(view.callId, 'B'));
    expect(again).toMatchObject({ status: 409, body: { code: 'PBX_ERR_CALL_LEG_STATE' } });
    expect((await rest(owner, 'GET', callPath(view.callId))).body).toMatchObject({ connected: true, endpointB: null });
    const a = await caller.done;
    expect(a.code, describeSipp(a)).toBe(0);
    const events = await stack.eventsUntil(view.callId, 'playback:complete');
    expect(events.map((e) => e.event)).toEqual([
      'connect:start',
      'connect:trying',
      'connect:answered',
      'connect:hangup',
      'connect:complete',
      'playback:start',
      'playback:complete',
    ]);
    expect(events[3]).toMatchObject({ endedby: 'B' });
  });

  it('update leg A with a verb array through the other replica: B gets BYE, A hears the announcement, then BYE', async () => {
    stack.hook.json('/call', [{ verb: 'connect', dest: { type: 'client', address: '1002' } }, { verb: 'response', code: 486 }]);
    const callee = phone('1002', 'uas-answer-wait-bye.xml');
    const caller = call('1001', '1002', 'uac-call-wait-bye.xml');
    const view = await liveCall((c) => c.from === '1001' && c.endpointB !== null);
    const { other } = replicas(view);
    const script = [{ verb: 'announce', url: 'file:/tone.wav', statusLabel: 'updated' }];
    expect(await rest(other, 'PUT', callPath(view.callId), [{ verb: 'dance' }])).toMatchObject({ status: 400, body: { code: 'PBX_ERR_API_BAD_REQUEST' } });
    const t0 = Date.now();
    const updated = await rest(other, 'PUT', callPath(view.callId), script);
    expect(updated).toMatchObject({ status: 202, body: { callId: view.callId, leg: 'A', accepted: true } });
    const b = await callee.done;
    expect(b.code, describeSipp(b)).toBe(0);
    const a = await caller.done;
    expect(a.code, describeSipp(a)).toBe(0);
    // The 600 ms tone plays before the PBX's BYE.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(550);
    const events = await stack.eventsUntil(view.callId, 'playback:complete');
    const names = events.map((e) => e.event);
    expect(names).toEqual(expect.arrayContaining(['updateLeg:accepted', 'connect:hangup', 'playback:start', 'playback:complete']));
    expect(names).not.toContain('response:start');
    expect(names.indexOf('updateLeg:accepted')).toBeLessThan(names.indexOf('playback:start'));
    expect(events.find((e) => e.event === 'playback:complete')).toMatchObject({ label: 'updated' });
  });

  it('update leg B through the other replica: the caller gets BYE, the callee stays, hears the announcement, then BYE', async () => {
    stack.hook.json('/call', [{ verb: 'connect', dest: { type: 'client', address: '1002' } }, { verb: 'response', code: 486 }]);
    const callee = phone('1002', 'uas-answer-wait-bye.xml');
    const caller = call('1001', '1002', 'uac-call-wait-bye.xml');
    const view = await liveCall((c) => c.from === '1001' && c.endpointB !== null);
    const { other } = replicas(view);
    const script = [{ verb: 'announce', url: 'file:/tone.wav', statusLabel: 'kept-b' }];
    const t0 = Date.now();
    expect(await rest(other, 'PUT', callPath(view.callId, 'B'), script)).toMatchObject({ status: 202, body: { callId: view.callId, leg: 'B', accepted: true } });
    // The caller is dropped at once; the callee only after the 600 ms tone.
    const a = await caller.done;
    expect(a.code, describeSipp(a)).toBe(0);
    const b = await callee.done;
    expect(b.code, describeSipp(b)).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(550);
    const events = await stack.eventsUntil(view.callId, 'playback:complete');
    const names = events.map((e) => e.event);
    expect(names).toEqual(expect.arrayContaining(['updateLeg:accepted', 'connect:complete', 'playback:start', 'playback:complete']));
    // B was kept: no connect:hangup (nobody hung up), and the first script's next verb never ran.
    expect(names).not.toContain('connect:hangup');
    expect(names).not.toContain('response:start');
    expect(events.find((e) => e.event === 'playback:complete')).toMatchObject({ label: 'kept-b' });
    await until(async () => (await rest(other, 'GET', callPath(view.callId))).status === 404, 5000, 'the call is gone');
  });

  it('update leg A with a connect: it rings in reconnect mode — B gets BYE, 1003 answers, the caller is re-INVITEd onto the new bridge', async () => {
    stack.hook.json('/call', [{ verb: 'connect', dest: { type: 'client', address: '1002' } }, { verb: 'response', code: 486 }]);
    const reinvite = join(stack.dir, 'update-reinvite.txt');
    const first = phone('1002', 'uas-answer-wait-bye.xml');
    const second = phone('1003', 'uas-answer-wait-bye.xml');
    const caller = call('1001', '1002', 'uac-call-reinvited.xml', { hold: '400', out: reinvite });
    const view = await liveCall((c) => c.from === '1001' && c.endpointB !== null);
    const { other } = replicas(view);
    // No `reconnect: true`: an update-leg script rings in reconnect mode anyway (docs/contract.md §5.1).
    const update = [{ verb: 'connect', dest: { type: 'client', address: '1003' } }];
    expect(await rest(other, 'PUT', callPath(view.callId), update)).toMatchObject({ status: 202 });
    for (const p of [caller, first, second]) {
      const r = await p.done;
      expect(r.code, describeSipp(r)).toBe(0);
    }
    expect(readFileSync(reinvite, 'utf8').trim()).toMatch(/^REINVITE \d+$/);
    await until(() => stack.names(view.callId).filter((n) => n === 'connect:complete').length === 2, 8000, 'the second connect:complete');
    const names = stack.names(view.callId);
    expect(names).not.toContain('connect:skipped');
    expect(names.filter((n) => n === 'connect:answered')).toHaveLength(2);
    expect(names.indexOf('updateLeg:accepted')).toBeLessThan(names.lastIndexOf('connect:start'));
  });

  it('update leg A with a new CallHook: fetched with trigger "updateLeg" and leg "A", its script runs; a failing CallHook is 480', async () => {
    stack.hook.json('/call', [{ verb: 'connect', dest: { type: 'client', address: '1002' } }]);
    stack.hook.json('/update', [{ verb: 'announce', url: 'file:/tone.wav' }]);
    stack.hook.route('/broken', () => ({ kind: 'raw', status: 500, text: 'no' }));
    const callee = phone('1002', 'uas-answer-wait-bye.xml');
    const caller = call('1001', '1002', 'uac-call-wait-bye.xml');
    const view = await liveCall((c) => c.from === '1001' && c.endpointB !== null);
    const { owner, other } = replicas(view);
    const broken = await rest(other, 'PUT', callPath(view.callId), { callHook: stack.hook.url('/broken') });
    expect(broken).toMatchObject({ status: 480, body: { code: 'PBX_ERR_UPDATE_LEG_HOOK' } });
    expect(((await rest(owner, 'GET', callPath(view.callId))).body as CallJson).endpointB).not.toBeNull();
    const updated = await rest(owner, 'PUT', callPath(view.callId), { callHook: stack.hook.url('/update') });
    expect(updated.status).toBe(202);
    expect(stack.hook.callsTo('/update').at(-1)?.body).toMatchObject({ callId: view.callId, from: '1001', to: '1002', trigger: 'updateLeg', leg: 'A', refer: false });
    expect((await callee.done).code).toBe(0);
    const a = await caller.done;
    expect(a.code, describeSipp(a)).toBe(0);
    const events = await stack.eventsUntil(view.callId, 'playback:complete');
    expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['updateLeg:failed', 'updateLeg:accepted', 'playback:start']));
  });
});

describe('a call not answered yet', () => {
  it('update is 409 (not connected), leg B hang-up 409; hanging up A gives the caller 480', async () => {
    stack.hook.json('/call', [{ verb: 'announce', url: 'file:/long.wav' }, { verb: 'response', code: 486 }]);
    const caller = call('1001', '2000', 'uac-early-media.xml', { final: '480', check: 'ended through the REST API' });
    const view = await liveCall((c) => c.to === '2000');
    expect(view).toMatchObject({ connected: false, lastStatus: null, endpointB: null });
    const { owner, other } = replicas(view);
    await stack.eventsUntil(view.callId, 'playback:start');
    expect(await rest(other, 'PUT', callPath(view.callId), [{ verb: 'pause', duration: 1 }])).toMatchObject({ status: 409, body: { code: 'PBX_ERR_CALL_LEG_STATE' } });
    expect(await rest(owner, 'DELETE', callPath(view.callId, 'B'))).toMatchObject({ status: 409, body: { code: 'PBX_ERR_CALL_LEG_STATE' } });
    expect((await rest(other, 'DELETE', callPath(view.callId))).status).toBe(200);
    const a = await caller.done;
    expect(a.code, describeSipp(a)).toBe(0);
    await until(async () => (await rest(owner, 'GET', callPath(view.callId))).status === 404, 5000, 'the call gone');
  });
});
