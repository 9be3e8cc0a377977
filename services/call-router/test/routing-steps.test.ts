import { SipError } from '@dragonpbx/shared/contracts';
import type { StoredContact } from '@dragonpbx/shared/state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PBX_ERR_INVITE_INVALID } from '../src/call-router-errors.js';
import { callHookBody } from '../src/routing/call-hook-body.js';
import { checkDomain } from '../src/routing/check-domain.js';
import { identifySource } from '../src/routing/identify-source.js';
import type { InviteInfo } from '../src/routing/invite-info.js';
import { parseInvite } from '../src/routing/parse-invite.js';
import { DialplanCache, pickContact, selectDialplan } from '../src/routing/select-dialplan.js';
import { configFrom } from './helpers/config.js';

const D = 'pbx.test';
const trunk = {
  id: 5,
  name: 'carrier',
  inbound: ['10.1.0.0/16'],
  outbound: { host: 'sip.carrier.example', username: 'u', password: 'p' },
  authUser: 'trunkuser',
  authPass: 'trunkpass',
  dialplan: { '0*': 'http://127.0.0.1:9/out', '01*': 'http://127.0.0.1:9/specific' },
};
let cfg: Awaited<ReturnType<typeof configFrom>>;

beforeAll(async () => {
  cfg = await configFrom({ domains: { [D]: { domain_id: 3, clients: [{ id: 1, username: '1???', password: 'pw' }], trunks: [trunk] } } });
});
afterAll(async () => cfg?.close());

function req(over: Partial<{ uri: string; headers: Record<string, string> }> = {}) {
  const headers = {
    from: '"Alice" <sip:1000@pbx.test>;tag=a1',
    to: '<sip:1001@pbx.test>',
    'call-id': 'c1@host',
    authorization: 'Digest username="1000"',
    'x-custom': 'yes',
    ...over.headers,
  };
  return {
    uri: over.uri ?? 'sip:1001@PBX.test;x-regid=5',
    source_address: '192.0.2.1',
    source_port: 5062,
    headers,
    get: (n: string) => (headers as Record<string, string>)[n.toLowerCase()],
  };
}

const invite = (over: Partial<InviteInfo> = {}): InviteInfo => ({
  domain: D,
  from: '1000',
  to: '1001',
  callId: 'c1',
  sourceIp: '192.0.2.1',
  sourcePort: 5062,
  headers: {},
  ...over,
});

describe('parseInvite', () => {
  it('reads domain (lower-cased), From/To users, Call-ID, x-regid, and hides credentials from the headers', () => {
    const i = parseInvite(req());
    expect(i).toMatchObject({ domain: D, from: '1000', to: '1001', callId: 'c1@host', regId: '5', sourceIp: '192.0.2.1', sourcePort: 5062 });
    expect(i.authorization).toBe('Digest username="1000"');
    expect(i.headers).toEqual({ from: '"Alice" <sip:1000@pbx.test>;tag=a1', to: '<sip:1001@pbx.test>', 'call-id': 'c1@host', 'x-custom': 'yes' });
  });

  it.each([
    ['a Request-URI that is not SIP', { uri: 'http://x' }, 'Request-URI'],
    ['a To that is not SIP', { headers: { to: '<mailto:x@y>' } }, 'To URI'],
    ['no From', { headers: { from: '' } }, 'missing From'],
    ['no Call-ID', { headers: { 'call-id': '' } }, 'missing Call-ID'],
  ])('refuses %s with PBX_ERR_INVITE_INVALID', (_, over, why) => {
    expect(() => parseInvite(req(over))).toThrow(PBX_ERR_INVITE_INVALID);
    expect(() => parseInvite(req(over))).toThrow(why);
  });
});

describe('checkDomain', () => {
  it('returns the domain id; an unknown domain → 404', () => {
    expect(checkDomain(cfg.config, D)).toBe(3);
    const err = (() => {
      try {
        checkDomain(cfg.config, 'other.test');
      } catch (e) {
        return e;
      }
    })() as SipError;
    expect(err).toBeInstanceOf(SipError);
    expect(err.status).toBe(404);
  });
});

describe('identifySource', () => {
  const noRegs = { get: async () => undefined };
  it('finds a trunk by source CIDR', async () => {
    const c = await identifySource(invite({ sourceIp: '10.1.2.3' }), { config: cfg.config, trunkRegistrations: noRegs });
    expect(c).toMatchObject({ kind: 'trunk', matchedBy: 'cidr', trunk: { id: 5 } });
  });
  it('finds a registered trunk by x-regid only while its registration lives in Redis', async () => {
    const live = { get: async (_d: string, id: string) => (id === '5' ? ({ trunkId: '5' } as never) : undefined) };
    expect(await identifySource(invite({ regId: '5' }), { config: cfg.config, trunkRegistrations: live })).toMatchObject({ kind: 'trunk', matchedBy: 'regid' });
    expect(await identifySource(invite({ regId: '5' }), { config: cfg.config, trunkRegistrations: noRegs })).toBeUndefined();
    expect(await identifySource(invite({ regId: '../5' }), { config: cfg.config, trunkRegistrations: live })).toBeUndefined();
  });
  it('anything else is left to authentication', async () => {
    expect(await identifySource(invite(), { config: cfg.config, trunkRegistrations: noRegs })).toBeUndefined();
  });
});

const contact = (over: Partial<StoredContact>): StoredContact => ({
  uri: 'sip:1000@192.0.2.1:5062',
  source: { ip: '192.0.2.1', port: 5062, transport: 'udp' },
  callId: 'r1',
  proxy: 'sip:192.0.2.1:5062',
  expiresAt: 1000,
  expiresIn: 60,
  ...over,
});

describe('dialplan selection', () => {
  it('pickContact: the registration from the same address, else the latest', () => {
    const a = contact({ callId: 'a', source: { ip: '192.0.2.9', port: 5060, transport: 'udp' }, expiresAt: 5000 });
    const b = contact({ callId: 'b', expiresAt: 1000 });
    expect(pickContact([a, b], invite())?.callId).toBe('b');
    expect(pickContact([a, b], invite({ sourcePort: 1 }))?.callId).toBe('a');
    expect(pickContact([], invite())).toBeUndefined();
  });

  it('a client uses its registered dialplan; exact key beats patterns, most specific pattern wins', async () => {
    const dialplan = { '1*': 'http://h/any', '10??': { callHook: 'http://h/four', statusHook: 'http://h/status' }, '1001': 'http://h/exact' };
    const contacts = { list: async () => [contact({ dialplan, codecs: ['PCMU'] })] };
    const caller = { kind: 'client' as const, username: '1000', client: { id: 1, username: '1???', maxClients: 1 } };
    const deps = { contacts, dialplans: new DialplanCache() };
    expect(await selectDialplan(invite(), caller, deps)).toMatchObject({ match: { callHook: 'http://h/exact', exact: true }, codecs: ['PCMU'] });
    expect((await selectDialplan(invite({ to: '1002' }), caller, deps)).match).toMatchObject({ key: '10??', statusHook: 'http://h/status' });
    expect((await selectDialplan(invite({ to: '12' }), caller, deps)).match.key).toBe('1*');
  });

  it('404 when the client is not registered, has no dialplan, or nothing matches', async () => {
    const caller = { kind: 'client' as const, username: '1000', client: { id: 1, username: '1???', maxClients: 1 } };
    const status = (p: Promise<unknown>) => p.then(() => 0, (e: SipError) => `${e.status} ${e.headers['X-Reason']}`);
    const deps = (list: StoredContact[]) => ({ contacts: { list: async () => list }, dialplans: new DialplanCache() });
    expect(await status(selectDialplan(invite(), caller, deps([])))).toBe('404 caller not registered');
    expect(await status(selectDialplan(invite(), caller, deps([contact({})])))).toBe('404 no dialplan');
    expect(await status(selectDialplan(invite({ to: '2000' }), caller, deps([contact({ dialplan: { '1*': 'http://h' } })])))).toBe('404 no dialplan match');
    expect(await status(selectDialplan(invite(), caller, deps([contact({ dialplan: { '1*': 42 } })])))).toBe('404 invalid dialplan');
  });

  it("a trunk call uses the trunk's dialplan", async () => {
    const t = cfg.config.getTrunkById(D, 5)!;
    const sel = await selectDialplan(invite({ to: '0123' }), { kind: 'trunk', trunk: t, matchedBy: 'cidr' }, { contacts: { list: async () => [] }, dialplans: new DialplanCache() });
    expect(sel.match.callHook).toBe('http://127.0.0.1:9/specific');
  });
});

describe('callHookBody', () => {
  it('has the reference keys; a trunk source carries no credentials', () => {
    const t = cfg.config.getTrunkById(D, 5)!;
    const body = callHookBody(invite({ headers: { 'x-a': '1' } }), { kind: 'trunk', trunk: t, matchedBy: 'cidr' }, 2);
    expect(body).toMatchObject({ domain: D, from: '1000', to: '1001', callId: 'c1', sourceAddress: '192.0.2.1', headers: { 'x-a': '1' }, refer: false, count: 2 });
    expect(body.source).toMatchObject({ id: 5, name: 'carrier', outbound: { host: 'sip.carrier.example' } });
    const text = JSON.stringify(body.source);
    for (const secret of ['trunkpass', 'trunkuser', '"p"', 'password', 'authPass']) expect(text).not.toContain(secret);
    expect(callHookBody(invite(), { kind: 'client', username: '1000', client: { id: 1, username: '1???', maxClients: 1 } }, 0).source).toBe('client');
  });
});
