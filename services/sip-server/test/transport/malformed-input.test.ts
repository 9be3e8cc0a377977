/** The live stack survives malformed datagrams and streams and keeps serving. */
import { afterEach, describe, expect, it } from 'vitest';
import { makeResponse } from '../../src/sip/make-response.js';
import { basicInvite } from '../sip/fixtures.js';
import { mutate, rng } from '../sip/fuzz.js';
import { portOf, request, startStack } from './stack-fixture.js';
import { TcpPeer } from './tcp-peer.js';
import { UdpPeer } from '@dragonpbx/testkit';

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

describe('malformed network input', () => {
  it('keeps answering after 500 mutated datagrams and 20 mangled TCP streams', async () => {
    const stack = await startStack('127.0.0.1');
    const udp = await UdpPeer.open();
    cleanup.push(() => stack.stop(), () => udp.close());
    const crashes: unknown[] = [];
    const onErr = (e: unknown) => crashes.push(e);
    process.on('uncaughtException', onErr);
    cleanup.push(() => void process.off('uncaughtException', onErr));
    stack.on('request', (req, txn) => txn.respond(makeResponse(req, 200, 'OK', { toTag: true })));
    const rand = rng(3261);
    const base = basicInvite([], 'v=0\r\n');
    for (let i = 0; i < 500; i++) await udp.send(mutate(base, rand), portOf(stack, 'udp'));
    for (let i = 0; i < 20; i++) {
      const tcp = await TcpPeer.connect(portOf(stack, 'tcp'));
      tcp.write(mutate(base, rand));
      tcp.write(mutate(base, rand));
      tcp.close();
    }
    udp.received.length = 0;
    await udp.send(request('OPTIONS', { branch: 'z9hG4bKalive' }), portOf(stack, 'udp'));
    await udp.waitFor((d) => d.data.startsWith('SIP/2.0 200 OK') && d.data.includes('z9hG4bKalive'));
    const tcp = await TcpPeer.connect(portOf(stack, 'tcp'));
    cleanup.push(() => tcp.close());
    tcp.write(request('OPTIONS', { proto: 'TCP', branch: 'z9hG4bKalive2' }));
    await tcp.waitFor((t) => t.includes('SIP/2.0 200 OK'));
    expect(crashes).toEqual([]);
    expect(stack.stats().parseErrors).toBeGreaterThan(0);
  });
});
