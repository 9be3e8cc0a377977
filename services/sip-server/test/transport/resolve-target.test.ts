import { afterEach, describe, expect, it } from 'vitest';
import { type Resolver, resolveTarget } from '../../src/transport/resolve-target.js';
import type { SipStack } from '../../src/sip-stack.js';
import { startStack } from './stack-fixture.js';

/** A table-driven resolver (pure unit test of the RFC 3263 logic; the real DNS path is tested below). */
function fakeResolver(a: Record<string, string>, srv: Record<string, Array<{ name: string; port: number; priority: number; weight: number }>>): Resolver & { queries: string[] } {
  const queries: string[] = [];
  return {
    queries,
    async lookup(host) {
      queries.push(`A ${host}`);
      const address = a[host];
      if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return { address, family: address.includes(':') ? 6 : 4 };
    },
    async resolveSrv(name) {
      queries.push(`SRV ${name}`);
      const r = srv[name];
      if (!r) throw Object.assign(new Error(`querySrv ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
      return r;
    },
  };
}

describe('resolveTarget (RFC 3263 subset)', () => {
  it('uses IP literals directly with the default port and transport', async () => {
    const r = fakeResolver({}, {});
    expect(await resolveTarget('sip:bob@192.0.2.5', r)).toEqual({ protocol: 'udp', address: '192.0.2.5', port: 5060, explicitProtocol: false });
    expect(await resolveTarget('sip:bob@[2001:db8::1]:5070;transport=TCP', r)).toEqual({ protocol: 'tcp', address: '2001:db8::1', port: 5070, explicitProtocol: true });
    expect(await resolveTarget('sip:bob@example.com;maddr=192.0.2.9', r)).toMatchObject({ address: '192.0.2.9' });
    expect(r.queries).toEqual([]);
  });

  it('tries SRV first without a port, preferring the lowest priority', async () => {
    const r = fakeResolver(
      { 'sip1.example.com': '192.0.2.11', 'sip2.example.com': '192.0.2.12' },
      {
        '_sip._tcp.example.com': [
          { name: 'sip2.example.com', port: 5080, priority: 20, weight: 0 },
          { name: 'sip1.example.com', port: 5070, priority: 10, weight: 5 },
        ],
      },
    );
    expect(await resolveTarget('sip:bob@example.com;transport=tcp', r)).toEqual({ protocol: 'tcp', address: '192.0.2.11', port: 5070, explicitProtocol: true });
    expect(r.queries).toEqual(['SRV _sip._tcp.example.com', 'A sip1.example.com']);
  });

  it('falls back to A/AAAA on port 5060 when SRV is NXDOMAIN; skips SRV when a port is given', async () => {
    const r = fakeResolver({ 'pbx.example.com': '192.0.2.20' }, {});
    expect(await resolveTarget('sip:pbx.example.com', r)).toMatchObject({ address: '192.0.2.20', port: 5060 });
    expect(r.queries).toEqual(['SRV _sip._udp.pbx.example.com', 'A pbx.example.com']);
    r.queries.length = 0;
    expect(await resolveTarget('sip:pbx.example.com:5099', r)).toMatchObject({ port: 5099 });
    expect(r.queries).toEqual(['A pbx.example.com']);
  });

  it('rejects unknown hosts and unsupported transports with typed errors', async () => {
    const r = fakeResolver({}, {});
    await expect(resolveTarget('sip:nowhere.example.com:5060', r)).rejects.toMatchObject({ code: 'PBX_ERR_SIP_RESOLVE' });
    await expect(resolveTarget('sips:bob@192.0.2.1', r)).rejects.toMatchObject({ code: 'PBX_ERR_SIP_NO_TRANSPORT' });
    await expect(resolveTarget('sip:bob@192.0.2.1;transport=ws', r)).rejects.toMatchObject({ code: 'PBX_ERR_SIP_NO_TRANSPORT' });
    await expect(resolveTarget('tel:+123', r)).rejects.toMatchObject({ code: 'PBX_ERR_SIP_NO_TRANSPORT' });
    await expect(resolveTarget('not a uri', r)).rejects.toMatchObject({ code: 'PBX_ERR_SIP_BAD_VALUE' });
  });
});

describe('SipStack.resolve with the system resolver', () => {
  let stack: SipStack | undefined;
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
  });

  it('resolves localhost via the OS and picks a local listening point of the right family', async () => {
    stack = await startStack('127.0.0.1');
    const d = await stack.resolve('sip:someone@localhost:5099');
    expect(['127.0.0.1', '::1']).toContain(d.address);
    if (d.address === '127.0.0.1') expect(d.local).toMatchObject({ protocol: 'udp', family: 4 });
    expect(d.port).toBe(5099);
  });

  it('refuses an explicit transport that is not configured, falls back when implicit', async () => {
    const { SipStack } = await import('../../src/sip-stack.js');
    stack = new SipStack({ contacts: [{ protocol: 'tcp', host: '127.0.0.1', port: 0 }] });
    await stack.start();
    await expect(stack.resolve('sip:a@127.0.0.1;transport=udp')).rejects.toMatchObject({ code: 'PBX_ERR_SIP_NO_TRANSPORT' });
    expect(await stack.resolve('sip:a@127.0.0.1')).toMatchObject({ protocol: 'tcp' });
    await expect(stack.resolve('sip:a@[::1]:5060;transport=tcp')).rejects.toMatchObject({ code: 'PBX_ERR_SIP_NO_TRANSPORT' });
  });

  it('picks a listening point that can reach the target (loopback vs other, dual-stack)', async () => {
    const { SipStack } = await import('../../src/sip-stack.js');
    stack = new SipStack({
      contacts: [
        { protocol: 'udp', host: '127.0.0.1', port: 0 },
        { protocol: 'udp', host: '0.0.0.0', port: 0 },
        { protocol: 'tcp', host: '::', port: 0 },
      ],
    });
    await stack.start();
    const [loop, any, dual] = stack.localContacts();
    expect((await stack.resolve('sip:a@127.0.0.1')).local).toBe(loop);
    expect((await stack.resolve('sip:a@192.0.2.1')).local).toBe(any);
    expect((await stack.resolve('sip:a@192.0.2.1;transport=tcp')).local).toBe(dual);
    expect((await stack.resolve('sip:a@[2001:db8::1];transport=tcp')).local).toBe(dual);
    expect(stack.pickLocal('udp', 4, '10.1.2.3')).toBe(any);
  });
});
