import { afterEach, describe, expect, it } from 'vitest';
import { makeResponse } from '../../src/sip/make-response.js';
import type { SipRequest } from '../../src/sip/sip-request.js';
import type { ServerTransaction } from '../../src/transaction/server-transaction.js';
import { TransactionState } from '../../src/transaction/transaction-state.js';
import { portOf, request, startStack } from '../transport/stack-fixture.js';
import { UdpPeer } from '@dragonpbx/testkit';

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

describe('server transaction memory in end states', () => {
  it('keeps only the bytes and status of a final response, and still resends it', async () => {
    const stack = await startStack('127.0.0.1', { timers: { t1: 20, t2: 80, t4: 100 } });
    const peer = await UdpPeer.open();
    cleanup.push(() => stack.stop(), () => peer.close());
    const reqs: Array<[SipRequest, ServerTransaction]> = [];
    stack.on('request', (r, t) => reqs.push([r, t]));
    await peer.send(request('INVITE', { branch: 'z9hG4bKrel1' }), portOf(stack, 'udp'));
    await expect.poll(() => reqs.length).toBe(1);
    const [req, txn] = reqs[0]!;
    expect(txn.lastStatus).toBe(100);
    const ringing = makeResponse(req, 180, 'Ringing', { toTag: 'x1' });
    txn.respond(ringing);
    expect(txn.lastResponse).toBe(ringing);
    expect(txn.finalSent).toBe(false);
    txn.respond(makeResponse(req, 200, 'OK', { toTag: 'x1' }));
    expect(txn.state).toBe(TransactionState.Accepted);
    expect(txn.finalSent).toBe(true);
    expect(txn.lastStatus).toBe(200);
    expect(txn.lastResponse).toBeUndefined();
    // A 2xx retransmission by the TU (RFC 6026) is still sent from the kept bytes.
    txn.resend();
    await peer.waitFor((d) => d.data.startsWith('SIP/2.0 200 OK'), 2);
    // Timer L (64×T1 = 1.28 s here) releases the transaction.
    await expect.poll(() => stack.stats().serverTransactions, { timeout: 3000 }).toBe(0);
    expect(txn.state).toBe(TransactionState.Terminated);
  });
});
