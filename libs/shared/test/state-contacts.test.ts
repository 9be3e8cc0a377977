import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContactBinding } from '../src/state/contact-binding.js';
import { PbxError } from '../src/errors/pbx-error.js';
import { sleep, stateFixture } from './state-fixture.js';

type Fixture = Awaited<ReturnType<typeof stateFixture>>;
let f: Fixture;
beforeEach(async () => {
  f = await stateFixture();
});
afterEach(async () => {
  await f.cleanup();
});

const D = 'pbx.example.com';
const binding = (n: number, extra: Partial<ContactBinding> = {}): ContactBinding => ({
  uri: `sip:1000@192.0.2.${n}:5060`,
  source: { ip: `198.51.100.${n}`, port: 5000 + n, transport: 'udp' },
  callId: `call-${n}`,
  cseq: n,
  userAgent: `Phone/${n}`,
  dialplan: { '1???': 'https://hooks.example/internal' },
  codecs: ['PCMU', 'PCMA'],
  ...extra,
});

async function rejects(p: Promise<unknown>): Promise<PbxError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PbxError) return e;
    throw e;
  }
  throw new Error('expected a PbxError');
}

describe('ContactStore', () => {
  it('stores a contact under client:{domain}:ext with exact data, expiry and TTLs', async () => {
    const before = Date.now();
    const res = await f.store.contacts.add(D, '1000', binding(1), 120, 1);
    const base = `${f.prefix}client:{${D}}:1000`;
    expect(await f.keys()).toEqual([base, `${base}:exp`, `${base}:seq`, `${f.prefix}clients:{${D}}`].sort());
    expect(JSON.parse((await f.redis.hget(base, `c:${binding(1).uri}`))!)).toEqual(binding(1));
    expect(await f.redis.hget(base, 'seq')).toBe('1');
    const score = Number(await f.redis.zscore(`${base}:exp`, binding(1).uri));
    expect(score).toBeGreaterThanOrEqual(before + 120_000 - 1000);
    expect(score).toBeLessThanOrEqual(Date.now() + 120_000 + 1000);
    for (const k of [base, `${base}:exp`, `${base}:seq`, `${f.prefix}clients:{${D}}`]) {
      const ttl = await f.redis.pttl(k);
      expect(ttl).toBeGreaterThan(118_000);
      expect(ttl).toBeLessThanOrEqual(120_000);
    }
    expect(await f.redis.zscore(`${f.prefix}clients:{${D}}`, '1000')).toBe(String(score));
    expect(res.evicted).toEqual([]);
    expect(res.contacts).toHaveLength(1);
    const c = res.contacts[0]!;
    expect(c).toMatchObject({ ...binding(1), proxy: 'sip:198.51.100.1:5001', expiresAt: score });
    expect(c.expiresIn).toBeGreaterThanOrEqual(119);
    expect(c.expiresIn).toBeLessThanOrEqual(120);
    expect(await f.store.contacts.listExtensions(D)).toEqual(['1000']);
  });

  it('expires one contact while another remains, and the keys follow the latest expiry', async () => {
    await f.store.contacts.add(D, '1000', binding(1), 1, 3);
    await f.store.contacts.add(D, '1000', binding(2), 60, 3);
    expect((await f.store.contacts.list(D, '1000')).map((c) => c.uri)).toEqual([binding(1).uri, binding(2).uri]);
    await sleep(1100);
    const left = await f.store.contacts.list(D, '1000');
    expect(left.map((c) => c.uri)).toEqual([binding(2).uri]);
    const base = `${f.prefix}client:{${D}}:1000`;
    expect(await f.redis.hexists(base, `c:${binding(1).uri}`)).toBe(0);
    expect(await f.redis.zcard(`${base}:exp`)).toBe(1);
    expect(await f.redis.zcard(`${base}:seq`)).toBe(1);
    expect(await f.redis.pttl(base)).toBeGreaterThan(57_000);
  });

  it('lets Redis drop every key of a client whose contacts all expired, without any read', async () => {
    await f.store.contacts.add(D, '1000', binding(1), 1, 1);
    await sleep(1150);
    expect(await f.keys()).toEqual([]);
    expect(await f.store.contacts.list(D, '1000')).toEqual([]);
    expect(await f.store.contacts.listExtensions(D)).toEqual([]);
  });

  it('evicts the oldest registration beyond maxClients; a refresh makes a contact young again', async () => {
    await f.store.contacts.add(D, '1000', binding(1), 600, 2);
    await f.store.contacts.add(D, '1000', binding(2), 30, 2);
    const third = await f.store.contacts.add(D, '1000', binding(3), 600, 2);
    expect(third.evicted).toEqual([binding(1).uri]);
    expect(third.contacts.map((c) => c.uri).sort()).toEqual([binding(2).uri, binding(3).uri]);
    // Re-registering contact 2 refreshes it, so contact 3 is now the oldest.
    await f.store.contacts.add(D, '1000', binding(2, { callId: 'call-2', cseq: 9 }), 600, 2);
    const fourth = await f.store.contacts.add(D, '1000', binding(4), 600, 2);
    expect(fourth.evicted).toEqual([binding(3).uri]);
    const list = await f.store.contacts.list(D, '1000');
    expect(list.map((c) => c.uri).sort()).toEqual([binding(2).uri, binding(4).uri]);
    expect(list.find((c) => c.uri === binding(2).uri)?.cseq).toBe(9);
    // A lower maxClients on the next REGISTER trims down to it.
    const one = await f.store.contacts.add(D, '1000', binding(5), 600, 1);
    expect(one.evicted).toEqual([binding(2).uri, binding(4).uri]);
    expect(one.contacts.map((c) => c.uri)).toEqual([binding(5).uri]);
  });

  it('binds in one step: adds, refreshes, and leaves a contact alone for the same Call-ID with a CSeq not above the stored one', async () => {
    const base = `${f.prefix}client:{${D}}:1000`;
    const first = await f.store.contacts.bind(D, '1000', binding(1, { callId: 'c', cseq: 5 }), 120, 2);
    expect(first).toMatchObject({ known: false, applied: true, evicted: [] });
    expect(first.contacts.map((c) => c.uri)).toEqual([binding(1).uri]);
    const stored = await f.redis.hget(base, `c:${binding(1).uri}`);
    const score = await f.redis.zscore(`${base}:exp`, binding(1).uri);
    // Same Call-ID, same or lower CSeq: out of order or replayed; nothing is written.
    for (const cseq of [5, 4]) {
      const stale = await f.store.contacts.bind(D, '1000', binding(1, { callId: 'c', cseq, userAgent: 'Other' }), 600, 2);
      expect(stale).toMatchObject({ known: true, applied: false, evicted: [] });
      expect(stale.contacts).toHaveLength(1);
      expect(stale.contacts[0]!.cseq).toBe(5);
      expect(stale.contacts[0]!.expiresIn).toBeLessThanOrEqual(120);
      expect(await f.redis.hget(base, `c:${binding(1).uri}`)).toBe(stored);
      expect(await f.redis.zscore(`${base}:exp`, binding(1).uri)).toBe(score);
    }
    // A higher CSeq, or another Call-ID whatever its CSeq, refreshes the binding.
    const newer = await f.store.contacts.bind(D, '1000', binding(1, { callId: 'c', cseq: 6 }), 600, 2);
    expect(newer).toMatchObject({ known: true, applied: true });
    expect(newer.contacts[0]!.expiresIn).toBeGreaterThan(590);
    const other = await f.store.contacts.bind(D, '1000', binding(1, { callId: 'd', cseq: 1 }), 300, 2);
    expect(other).toMatchObject({ known: true, applied: true });
    expect(other.contacts[0]).toMatchObject({ callId: 'd', cseq: 1 });
    // A stored contact without a CSeq, or a corrupt one, is simply replaced.
    await f.store.contacts.add(D, '1000', binding(2, { callId: 'e', cseq: undefined }), 60, 2);
    expect(await f.store.contacts.bind(D, '1000', binding(2, { callId: 'e', cseq: 0 }), 60, 2)).toMatchObject({ known: true, applied: true });
    await f.redis.hset(base, `c:${binding(2).uri}`, '{not json');
    expect(await f.store.contacts.bind(D, '1000', binding(2, { callId: 'e', cseq: 0 }), 60, 2)).toMatchObject({ known: true, applied: true });
    // Eviction as with add; an expired contact counts as unknown.
    const third = await f.store.contacts.bind(D, '1000', binding(3), 1, 2);
    expect(third).toMatchObject({ known: false, applied: true, evicted: [binding(1).uri] });
    await sleep(1100);
    expect(await f.store.contacts.bind(D, '1000', binding(3), 60, 2)).toMatchObject({ known: false, applied: true, evicted: [] });
    await expect(rejects(f.store.contacts.bind(D, '1000', binding(4), 0, 2))).resolves.toMatchObject({ code: 'PBX_ERR_STATE_INPUT_INVALID' });
  });

  it('removes one contact, then all, and cleans the domain index', async () => {
    await f.store.contacts.add(D, '1000', binding(1), 600, 3);
    await f.store.contacts.add(D, '1000', binding(2), 600, 3);
    await f.store.contacts.add(D, '1001', binding(3), 600, 3);
    expect((await f.store.contacts.listExtensions(D)).sort()).toEqual(['1000', '1001']);
    expect(await f.store.contacts.remove(D, '1000', binding(1).uri)).toBe(true);
    expect(await f.store.contacts.remove(D, '1000', binding(1).uri)).toBe(false);
    expect((await f.store.contacts.list(D, '1000')).map((c) => c.uri)).toEqual([binding(2).uri]);
    expect(await f.store.contacts.remove(D, '1000', binding(2).uri)).toBe(true);
    expect(await f.redis.exists(`${f.prefix}client:{${D}}:1000`)).toBe(0);
    expect(await f.store.contacts.listExtensions(D)).toEqual(['1001']);
    await f.store.contacts.add(D, '1001', binding(4), 600, 3);
    expect(await f.store.contacts.clear(D, '1001')).toBe(2);
    expect(await f.store.contacts.clear(D, '1001')).toBe(0);
    expect(await f.keys()).toEqual([]);
  });

  it('never exceeds maxClients under parallel adds from several connections', async () => {
    const peers = [f.store, await f.peer(), await f.peer(), await f.peer()];
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => peers[i % peers.length]!.contacts.add(D, '2000', binding(i + 1), 600, 3)),
    );
    for (const r of results) expect(r.contacts.length).toBeLessThanOrEqual(3);
    const evicted = results.flatMap((r) => r.evicted);
    expect(evicted).toHaveLength(37);
    expect(new Set(evicted).size).toBe(37);
    const left = await f.store.contacts.list(D, '2000');
    expect(left).toHaveLength(3);
    expect(await f.redis.zcard(`${f.prefix}client:{${D}}:2000:seq`)).toBe(3);
    expect(await f.redis.hlen(`${f.prefix}client:{${D}}:2000`)).toBe(4); // 3 contacts + seq
  });

  it('brackets IPv6 sources and names non-UDP transports in the proxy URI', async () => {
    const b = binding(1, { source: { ip: '2001:db8::5', port: 5061, transport: 'tls' } });
    const [c] = (await f.store.contacts.add(D, '1000', b, 60)).contacts;
    expect(c!.proxy).toBe('sip:[2001:db8::5]:5061;transport=tls');
  });

  it('rejects bad input with specific errors', async () => {
    const cases: [Promise<unknown>, string, RegExp][] = [
      [f.store.contacts.add(D, '1000', binding(1), 0), 'PBX_ERR_STATE_INPUT_INVALID', /expires/],
      [f.store.contacts.add(D, '1000', binding(1), 1.5), 'PBX_ERR_STATE_INPUT_INVALID', /expires/],
      [f.store.contacts.add(D, '1000', binding(1), 60, 0), 'PBX_ERR_STATE_INPUT_INVALID', /maxClients/],
      [f.store.contacts.add(D, '1000', binding(1), 60, 101), 'PBX_ERR_STATE_INPUT_INVALID', /maxClients/],
      [f.store.contacts.add(D, '1000', binding(1, { uri: '' }), 60), 'PBX_ERR_STATE_INPUT_INVALID', /contact uri/],
      [f.store.contacts.add(D, '1000', binding(1, { callId: '' }), 60), 'PBX_ERR_STATE_INPUT_INVALID', /callId/],
      [
        f.store.contacts.add(D, '1000', binding(1, { source: { ip: '1.2.3', port: 5060, transport: 'udp' } }), 60),
        'PBX_ERR_IP_INVALID',
        /1\.2\.3/,
      ],
      [
        f.store.contacts.add(D, '1000', binding(1, { source: { ip: '1.2.3.4', port: 70000, transport: 'udp' } }), 60),
        'PBX_ERR_STATE_INPUT_INVALID',
        /port/,
      ],
      [
        f.store.contacts.add(D, '1000', binding(1, { source: { ip: '1.2.3.4', port: 5060, transport: 'sctp' as 'udp' } }), 60),
        'PBX_ERR_STATE_INPUT_INVALID',
        /transport/,
      ],
      [f.store.contacts.add(D, '1000', binding(1, { codecs: [1] as unknown as string[] }), 60), 'PBX_ERR_STATE_INPUT_INVALID', /codecs/],
      [f.store.contacts.add('evil}.com', '1000', binding(1), 60), 'PBX_ERR_STATE_KEY_INVALID', /domain "evil\}\.com".*braces/],
      [f.store.contacts.list('', '1000'), 'PBX_ERR_STATE_KEY_INVALID', /domain "" .*empty/],
      [f.store.contacts.list(D, '10 00'), 'PBX_ERR_STATE_KEY_INVALID', /extension/],
      [f.store.contacts.remove(D, '1000', ''), 'PBX_ERR_STATE_INPUT_INVALID', /contact uri/],
    ];
    for (const [p, code, why] of cases) {
      const e = await rejects(p);
      expect(e.code).toBe(code);
      expect(e.message).toMatch(why);
    }
    expect(await f.keys()).toEqual([]);
  });

  it('reports a corrupt record instead of returning garbage', async () => {
    await f.store.contacts.add(D, '1000', binding(1), 60);
    await f.redis.hset(`${f.prefix}client:{${D}}:1000`, `c:${binding(1).uri}`, '{not json');
    const e = await rejects(f.store.contacts.list(D, '1000'));
    expect(e.code).toBe('PBX_ERR_STATE_CORRUPT');
    expect(e.message).toContain(`client:{${D}}:1000`);
  });
});
