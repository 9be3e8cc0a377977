import { afterEach, describe, expect, it } from 'vitest';
import { makeResponse } from '../../src/sip/make-response.js';
import type { SipStack } from '../../src/sip-stack.js';
import { portOf, request, startStack } from './stack-fixture.js';
import { TcpPeer } from './tcp-peer.js';

// Limits on SIP over TCP against hostile peers: a deadline for a complete message from its first
// byte (a slow sender resets the idle timer with every byte), and a cap on connections per source.
let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

function answerAll(stack: SipStack): void {
  stack.on('request', (req, txn) => txn.respond(makeResponse(req, 200, 'OK', { toTag: true })));
}

describe('TCP message deadline', () => {
  it('closes a connection that trickles a header section, byte by byte, past the deadline', async () => {
    const stack = await startStack('127.0.0.1', { tcpMessageTimeout: 600, tcpIdleTimeout: 300_000 });
    const slow = await TcpPeer.connect(portOf(stack, 'tcp'));
    cleanup.push(() => stack.stop(), () => slow.close());
    const text = request('OPTIONS', { proto: 'TCP' });
    let i = 0;
    const t0 = Date.now();
    const trickle = setInterval(() => {
      if (!slow.closed && i < text.length) slow.write(text[i++]!);
    }, 50);
    cleanup.push(() => clearInterval(trickle));
    await slow.waitFor(() => slow.closed, 3000);
    // Functional window: closed after the deadline, long before the message could complete.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(500);
    expect(i).toBeLessThan(text.length);
    expect(stack.stats().tcpMessageTimeouts).toBe(1);
  });

  it('keeps a connection that sends complete messages, and restarts the clock for each one', async () => {
    const stack = await startStack('127.0.0.1', { tcpMessageTimeout: 400 });
    answerAll(stack);
    const peer = await TcpPeer.connect(portOf(stack, 'tcp'));
    cleanup.push(() => stack.stop(), () => peer.close());
    // Each message takes ~300 ms to arrive in two halves; five of them span well over the deadline.
    for (let n = 0; n < 5; n++) {
      const text = request('OPTIONS', { proto: 'TCP', branch: `z9hG4bKslowok${n}`, callId: `ok-${n}` });
      peer.write(text.slice(0, 40));
      await new Promise((r) => setTimeout(r, 300));
      peer.write(text.slice(40));
      await peer.waitFor((t) => t.split('SIP/2.0 200 OK').length - 1 === n + 1);
    }
    expect(peer.closed).toBe(false);
    expect(stack.stats().tcpMessageTimeouts).toBe(0);
  });
});

describe('TCP connections per source address', () => {
  it('refuses connections over the cap and accepts again once one closes', async () => {
    const stack = await startStack('127.0.0.1', { tcpMaxConnectionsPerAddress: 3 });
    answerAll(stack);
    const port = portOf(stack, 'tcp');
    cleanup.push(() => stack.stop());
    const peers = await Promise.all([1, 2, 3].map(() => TcpPeer.connect(port)));
    cleanup.push(() => {
      for (const p of peers) p.close();
    });
    await expect.poll(() => stack.stats().connections).toBe(3);
    const extra = await TcpPeer.connect(port);
    cleanup.push(() => extra.close());
    await extra.waitFor(() => extra.closed, 2000);
    expect(stack.stats().tcpConnectionsRefused).toBe(1);
    // The accepted ones still work.
    peers[0]!.write(request('OPTIONS', { proto: 'TCP', branch: 'z9hG4bKcap1' }));
    await peers[0]!.waitFor((t) => t.includes('SIP/2.0 200 OK'));
    peers[1]!.close();
    await expect.poll(() => stack.stats().connections).toBe(2);
    const again = await TcpPeer.connect(port);
    cleanup.push(() => again.close());
    again.write(request('OPTIONS', { proto: 'TCP', branch: 'z9hG4bKcap2', callId: 'again' }));
    await again.waitFor((t) => t.includes('SIP/2.0 200 OK'));
    expect(stack.stats().tcpConnectionsRefused).toBe(1);
  });
});
