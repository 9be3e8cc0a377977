import { afterEach, describe, expect, it } from 'vitest';
import { makeResponse } from '../../src/sip/make-response.js';
import { SipResponse } from '../../src/sip/sip-response.js';
import type { SipRequest } from '../../src/sip/sip-request.js';
import { parseVia } from '../../src/sip/via.js';
import type { SipStack } from '../../src/sip-stack.js';
import type { ServerTransaction } from '../../src/transaction/server-transaction.js';
import { portOf, request, startStack } from './stack-fixture.js';
import { UdpPeer } from '@dragonpbx/testkit';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(host: string): Promise<{ stack: SipStack; peer: UdpPeer }> {
  const stack = await startStack(host);
  const peer = await UdpPeer.open(host);
  cleanup.push(() => stack.stop(), () => peer.close());
  return { stack, peer };
}

for (const host of ['127.0.0.1', '::1']) {
  describe(`UDP transport on ${host}`, () => {
    it('delivers a request, stamps received/rport (RFC 3581) and answers to the packet source', async () => {
      const { stack, peer } = await setup(host);
      const got: Array<[SipRequest, ServerTransaction]> = [];
      stack.on('request', (req, txn) => got.push([req, txn]));
      await peer.send(request('OPTIONS', { rport: true }), portOf(stack, 'udp'), host);
      await expect.poll(() => got.length).toBe(1);
      const [req, txn] = got[0]!;
      expect(txn.source).toMatchObject({ protocol: 'udp', address: host, port: peer.port });
      const via = parseVia(req.get('via')!);
      expect(via.received).toBe(host);
      expect(via.rport).toBe(peer.port);
      expect(req.raw!.toString()).toContain(';rport\r\n');
      txn.respond(makeResponse(req, 200, 'OK', { toTag: true }));
      const [res] = await peer.waitFor((d) => d.data.startsWith('SIP/2.0 200 OK'));
      expect(res!.data).toContain(`received=${host}`);
      expect(res!.data).toContain(`rport=${peer.port}`);
      expect(stack.stats()).toMatchObject({ requestsIn: 1, responsesOut: 1 });
    });

    it('answers a malformed but answerable request with 400 + reason and drops garbage', async () => {
      const { stack, peer } = await setup(host);
      const errors: Error[] = [];
      stack.on('parse-error', (e) => errors.push(e));
      let requests = 0;
      stack.on('request', () => requests++);
      await peer.send(request('OPTIONS').replace('CSeq: 1 OPTIONS', 'CSeq: 1 INVITE'), portOf(stack, 'udp'), host);
      const [res] = await peer.waitFor((d) => d.data.startsWith('SIP/2.0 400'));
      expect(res!.data.split('\r\n')[0]).toBe('SIP/2.0 400 CSeq method does not match request method');
      expect(res!.data).toMatch(/To: <sip:service@example.com>;tag=\w+/);
      await peer.send('complete garbage\r\n\r\n', portOf(stack, 'udp'), host);
      await peer.send(Buffer.alloc(0), portOf(stack, 'udp'), host);
      await expect.poll(() => errors.length).toBe(3);
      expect(peer.received).toHaveLength(1);
      expect(requests).toBe(0);
      expect(stack.stats().parseErrors).toBe(3);
    });

    it('answers 505 to an unsupported SIP version', async () => {
      const { stack, peer } = await setup(host);
      await peer.send(request('OPTIONS').replace('SIP/2.0\r\n', 'SIP/3.0\r\n'), portOf(stack, 'udp'), host);
      const [res] = await peer.waitFor((d) => d.data.startsWith('SIP/2.0 505'));
      expect(res!.data).toContain('Call-ID: call-1');
    });
  });
}

describe('stateless sends', () => {
  it('reach IP literals and host names (Via sent-by without received)', async () => {
    const { stack, peer } = await setup('127.0.0.1');
    const byName = new SipResponse(200, 'OK').append('Via', `SIP/2.0/UDP localhost:${peer.port};branch=z9hG4bKn`);
    const byIp = new SipResponse(202, 'Accepted').append('Via', `SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bKi`);
    const info = await stack.sendStateless(byName);
    expect(info.local.protocol).toBe('udp');
    await stack.sendStateless(byIp);
    await peer.waitFor((d) => d.data.startsWith('SIP/2.0 200 OK'));
    await peer.waitFor((d) => d.data.startsWith('SIP/2.0 202 Accepted'));
  });
});

describe('send failures never throw', () => {
  it('reports invalid ports as PBX_ERR_SIP_TRANSPORT for UDP and TCP', async () => {
    const { stack } = await setup('127.0.0.1');
    const res = new SipResponse(200, 'OK').append('Via', 'SIP/2.0/UDP 127.0.0.1:0;branch=z9hG4bK1');
    await expect(stack.sendStateless(res)).rejects.toMatchObject({ code: 'PBX_ERR_SIP_TRANSPORT' });
    await expect(stack.sendStateless(res, { protocol: 'tcp', address: '127.0.0.1', port: 70000 })).rejects.toMatchObject({
      code: 'PBX_ERR_SIP_TRANSPORT',
    });
    await expect(stack.sendStateless(res, { protocol: 'udp', address: '::1', port: 5060 })).rejects.toMatchObject({
      code: 'PBX_ERR_SIP_NO_TRANSPORT',
    });
  });
});

describe('responseDestination (RFC 3261 §18.2.2, RFC 3581 §4)', () => {
  it('uses received and rport, else sent-by, else 5060; maddr wins', async () => {
    const { stack } = await setup('127.0.0.1');
    const req = (via: string) => new SipResponse(200, 'OK').append('Via', via);
    expect(stack.responseDestination(req('SIP/2.0/UDP h.example.com;branch=z9hG4bK1;received=192.0.2.9;rport=4444'))).toEqual({
      protocol: 'udp',
      address: '192.0.2.9',
      port: 4444,
    });
    expect(stack.responseDestination(req('SIP/2.0/UDP 192.0.2.7:5080;branch=z9hG4bK1'))).toMatchObject({ address: '192.0.2.7', port: 5080 });
    expect(stack.responseDestination(req('SIP/2.0/TCP 192.0.2.7;branch=z9hG4bK1'))).toMatchObject({ protocol: 'tcp', port: 5060 });
    expect(stack.responseDestination(req('SIP/2.0/UDP h;branch=z9hG4bK1;maddr=239.1.1.1;received=1.1.1.1'))).toMatchObject({
      address: '239.1.1.1',
    });
  });
});
