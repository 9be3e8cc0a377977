import { afterEach, describe, expect, it } from 'vitest';
import { makeResponse } from '../../src/sip/make-response.js';
import type { SipRequest } from '../../src/sip/sip-request.js';
import type { ServerTransaction } from '../../src/transaction/server-transaction.js';
import { TransactionState } from '../../src/transaction/transaction-state.js';
import { portOf, request, startStack } from '../transport/stack-fixture.js';
import { TcpPeer } from '../transport/tcp-peer.js';
import { UdpPeer } from '@dragonpbx/testkit';

const T = { t1: 20, t2: 80, t4: 100 };
let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(opts: { listen?: boolean } = {}) {
  const stack = await startStack('127.0.0.1', { timers: T });
  const peer = await UdpPeer.open();
  cleanup.push(() => stack.stop(), () => peer.close());
  const reqs: Array<[SipRequest, ServerTransaction]> = [];
  if (opts.listen !== false) stack.on('request', (r, t) => reqs.push([r, t]));
  const send = (text: string) => peer.send(text, portOf(stack, 'udp'));
  return { stack, peer, reqs, send };
}

const starts = (s: string) => (d: { data: string }) => d.data.startsWith(s);
const gaps = (ts: number[]) => ts.slice(1).map((t, i) => t - ts[i]!);
const ackFor = (branch: string, toTag: string) =>
  request('ACK', { branch }).replace('CSeq: 1 ACK', 'CSeq: 1 ACK').replace('To: <sip:service@example.com>', `To: <sip:service@example.com>;tag=${toTag}`);

describe('INVITE server transaction (RFC 3261 §17.2.1, RFC 6026)', () => {
  it('sends 100 Trying, absorbs retransmissions, retransmits a non-2xx with Timer G until ACK, absorbs the ACK', async () => {
    const { stack, peer, reqs, send } = await setup();
    const acks: SipRequest[] = [];
    stack.on('ack', (a) => acks.push(a));
    await send(request('INVITE', { branch: 'z9hG4bKinv1' }));
    await peer.waitFor(starts('SIP/2.0 100 Trying'));
    // A retransmission while only the automatic 100 went out is dropped silently.
    await send(request('INVITE', { branch: 'z9hG4bKinv1' }));
    await expect.poll(() => stack.stats().retransmissionsIn).toBe(1);
    expect(reqs).toHaveLength(1);
    const [req, txn] = reqs[0]!;
    // Once the TU sent a provisional, retransmissions get it again (§17.2.1).
    txn.respond(makeResponse(req, 180, 'Ringing', { toTag: 'uas1' }));
    await send(request('INVITE', { branch: 'z9hG4bKinv1' }));
    await peer.waitFor(starts('SIP/2.0 180 Ringing'), 2);
    expect(peer.received.filter(starts('SIP/2.0 100 Trying'))).toHaveLength(1);
    const res = makeResponse(req, 486, undefined, { toTag: 'uas1' });
    const t0 = Date.now();
    txn.respond(res);
    expect(txn.state).toBe(TransactionState.Completed);
    const got = await peer.waitFor(starts('SIP/2.0 486'), 5);
    // Timer G: T1, 2T1, 4T1, then capped at T2 = 4T1. Timers never fire early,
    // so the k-th retransmission arrives no sooner than the cumulative schedule.
    const since = got.map((d) => d.at - t0);
    expect(since[1]).toBeGreaterThanOrEqual(20 - 2);
    expect(since[2]).toBeGreaterThanOrEqual(60 - 2);
    expect(since[3]).toBeGreaterThanOrEqual(140 - 2);
    expect(since[4]).toBeGreaterThanOrEqual(220 - 2);
    expect(Math.max(...gaps(got.map((d) => d.at)))).toBeLessThan(250);
    expect(() => txn.respond(makeResponse(req, 500))).toThrowError(expect.objectContaining({ code: 'PBX_ERR_SIP_TXN_STATE' }));
    await send(ackFor('z9hG4bKinv1', 'uas1'));
    await expect.poll(() => txn.state).toBe(TransactionState.Confirmed);
    const count = peer.received.filter(starts('SIP/2.0 486')).length;
    await expect.poll(() => txn.state, { timeout: 1000 }).toBe(TransactionState.Terminated);
    expect(peer.received.filter(starts('SIP/2.0 486')).length).toBe(count);
    expect(acks).toHaveLength(0);
    expect(stack.stats().serverTransactions).toBe(0);
  });

  it('fires Timer H (timeout) when no ACK arrives', async () => {
    const { stack, reqs, send, peer } = await setup();
    await send(request('INVITE', { branch: 'z9hG4bKinvH' }));
    await expect.poll(() => reqs.length).toBe(1);
    const [req, txn] = reqs[0]!;
    const timedOut = new Promise<number>((r) => txn.on('timeout', () => r(Date.now())));
    const t0 = Date.now();
    txn.respond(makeResponse(req, 603, undefined, { toTag: true }));
    const at = await timedOut;
    expect(at - t0).toBeGreaterThanOrEqual(64 * T.t1 - 5);
    expect(txn.state).toBe(TransactionState.Terminated);
    // 1 + retransmissions at 20, 60, 140, then every 80 ms until 1280 ms.
    const n = peer.received.filter(starts('SIP/2.0 603')).length;
    expect(n).toBeGreaterThanOrEqual(12);
    expect(n).toBeLessThanOrEqual(19);
    expect(stack.stats().serverTransactions).toBe(0);
  });

  it('2xx: enters accepted, absorbs INVITE retransmissions, passes the 2xx ACK to the TU, ends with Timer L', async () => {
    const { stack, reqs, send, peer } = await setup();
    const acks: SipRequest[] = [];
    stack.on('ack', (a) => acks.push(a));
    await send(request('INVITE', { branch: 'z9hG4bKinv2' }));
    await expect.poll(() => reqs.length).toBe(1);
    const [req, txn] = reqs[0]!;
    const ok = makeResponse(req, 200, 'OK', { toTag: 'uas2' });
    txn.respond(ok);
    expect(txn.state).toBe(TransactionState.Accepted);
    await peer.waitFor(starts('SIP/2.0 200'));
    await send(request('INVITE', { branch: 'z9hG4bKinv2' }));
    txn.respond(ok); // TU retransmission (RFC 6026 §7.1)
    await peer.waitFor(starts('SIP/2.0 200'), 2);
    expect(reqs).toHaveLength(1);
    expect(() => txn.respond(makeResponse(req, 486))).toThrowError(expect.objectContaining({ code: 'PBX_ERR_SIP_TXN_STATE' }));
    // The ACK for a 2xx is a separate transaction (new branch) → `ack` event.
    await send(ackFor('z9hG4bKack2', 'uas2'));
    await expect.poll(() => acks.length).toBe(1);
    expect(acks[0]!.get('to')).toContain('tag=uas2');
    await expect.poll(() => txn.state, { timeout: 2000 }).toBe(TransactionState.Terminated);
    expect(peer.received.filter(starts('SIP/2.0 200'))).toHaveLength(2);
    expect(stack.stats().serverTransactions).toBe(0);
  });
});

describe('non-INVITE server transaction (RFC 3261 §17.2.2)', () => {
  it('absorbs retransmissions in trying, resends the final in completed, ends after Timer J', async () => {
    const { stack, reqs, send, peer } = await setup();
    await send(request('OPTIONS', { branch: 'z9hG4bKopt1' }));
    await expect.poll(() => reqs.length).toBe(1);
    await send(request('OPTIONS', { branch: 'z9hG4bKopt1' }));
    await expect.poll(() => stack.stats().retransmissionsIn).toBe(1);
    expect(peer.received).toHaveLength(0);
    const [req, txn] = reqs[0]!;
    txn.respond(makeResponse(req, 200, 'OK', { toTag: true }));
    await send(request('OPTIONS', { branch: 'z9hG4bKopt1' }));
    await peer.waitFor(starts('SIP/2.0 200'), 2);
    expect(reqs).toHaveLength(1);
    const ended = Date.now();
    await new Promise<void>((r) => txn.on('terminated', r));
    expect(Date.now() - ended).toBeGreaterThanOrEqual(64 * T.t1 - 100);
    expect(stack.stats().serverTransactions).toBe(0);
  });

  it('terminates right after the final on TCP (Timer J = 0) and never retransmits', async () => {
    const stack = await startStack('127.0.0.1', { timers: T });
    const peer = await TcpPeer.connect(portOf(stack, 'tcp'));
    cleanup.push(() => stack.stop(), () => peer.close());
    const states: string[] = [];
    stack.on('request', (req, txn) => {
      txn.respond(makeResponse(req, 200, 'OK', { toTag: true }));
      states.push(txn.state);
    });
    peer.write(request('INVITE', { proto: 'TCP', branch: 'z9hG4bKt1' }));
    peer.write(request('MESSAGE', { proto: 'TCP', branch: 'z9hG4bKt2' }));
    await peer.waitFor((t) => t.split('SIP/2.0 200 OK').length === 3);
    expect(states).toEqual(['accepted', 'terminated']);
    expect(peer.text.startsWith('SIP/2.0 100 Trying')).toBe(true);
  });

  it('answers 503 when nobody listens for requests', async () => {
    const { peer, send } = await setup({ listen: false });
    await send(request('MESSAGE', { branch: 'z9hG4bKnone' }));
    await peer.waitFor(starts('SIP/2.0 503 Service Unavailable'));
  });
});

describe('illegal transitions', () => {
  it('throw PBX_ERR_SIP_TXN_STATE and leave the transaction untouched', async () => {
    const { reqs, send, peer } = await setup();
    await send(request('MESSAGE', { branch: 'z9hG4bKill' }));
    await expect.poll(() => reqs.length).toBe(1);
    const [req, txn] = reqs[0]!;
    txn.respond(makeResponse(req, 180, 'Ringing', { toTag: 't' }));
    expect(txn.state).toBe(TransactionState.Proceeding);
    txn.respond(makeResponse(req, 200, 'OK', { toTag: 't' }));
    expect(() => txn.respond(makeResponse(req, 200, 'OK', { toTag: 't' }))).toThrowError(
      expect.objectContaining({ code: 'PBX_ERR_SIP_TXN_STATE' }),
    );
    expect(txn.state).toBe(TransactionState.Completed);
    txn.terminate();
    txn.terminate();
    expect(() => txn.respond(makeResponse(req, 500))).toThrowError(expect.objectContaining({ code: 'PBX_ERR_SIP_TXN_STATE' }));
    expect(txn.state).toBe(TransactionState.Terminated);
    await peer.waitFor((d) => d.data.startsWith('SIP/2.0 200'));
    expect(peer.received.map((d) => d.data.split('\r\n')[0])).toEqual(['SIP/2.0 180 Ringing', 'SIP/2.0 200 OK']);
  });
});

describe('hygiene', () => {
  it('releases server transactions the TU never answers (non-INVITE after 2×64×T1, INVITE after Timer C)', async () => {
    const stack = await startStack('127.0.0.1', { timers: { t1: 5, t2: 20, t4: 20, timerC: 300 } });
    const peer = await UdpPeer.open();
    cleanup.push(() => stack.stop(), () => peer.close());
    const ended: string[] = [];
    stack.on('request', (req, txn) => txn.on('terminated', () => ended.push(req.method)));
    await peer.send(request('INVITE', { branch: 'z9hG4bKr1' }), portOf(stack, 'udp'));
    await peer.send(request('MESSAGE', { branch: 'z9hG4bKr2' }), portOf(stack, 'udp'));
    await expect.poll(() => stack.stats().serverTransactions).toBe(2);
    await expect.poll(() => ended, { timeout: 3000 }).toEqual(['INVITE', 'MESSAGE']);
    expect(stack.stats().serverTransactions).toBe(0);
    // Only the automatic 100 Trying was ever sent.
    expect(peer.received.map((d) => d.data.split('\r\n')[0])).toEqual(['SIP/2.0 100 Trying']);
  });
});

describe('CANCEL matching (RFC 3261 §9.2)', () => {
  it('matches a CANCEL to its INVITE server transaction; reports none for a stray CANCEL', async () => {
    const { stack, reqs, send } = await setup();
    const cancels: Array<[SipRequest, ServerTransaction, ServerTransaction | undefined]> = [];
    stack.on('cancel', (c, ct, it) => cancels.push([c, ct, it]));
    await send(request('INVITE', { branch: 'z9hG4bKc1' }));
    await expect.poll(() => reqs.length).toBe(1);
    await send(request('CANCEL', { branch: 'z9hG4bKc1' }));
    await send(request('CANCEL', { branch: 'z9hG4bKnomatch' }));
    await expect.poll(() => cancels.length).toBe(2);
    expect(cancels[0]![2]).toBe(reqs[0]![1]);
    expect(cancels[1]![2]).toBeUndefined();
    expect(cancels[0]![1].request.method).toBe('CANCEL');
    // Retransmitted CANCEL is absorbed by its own transaction.
    await send(request('CANCEL', { branch: 'z9hG4bKc1' }));
    await expect.poll(() => stack.stats().retransmissionsIn).toBe(1);
    expect(cancels).toHaveLength(2);
    for (const [, ct] of cancels) ct.terminate();
    reqs[0]![1].terminate();
    expect(stack.stats().serverTransactions).toBe(0);
  });

  it('matches a CANCEL to an INVITE that sent its 2xx over UDP (held as a compact record) by key', async () => {
    const { stack, reqs, send, peer } = await setup();
    const cancels: Array<[ServerTransaction | undefined, string | undefined]> = [];
    stack.on('cancel', (_c, ct, it, key) => {
      cancels.push([it, key]);
      ct.respond(makeResponse(_c, 200, undefined, { toTag: true }));
    });
    await send(request('INVITE', { branch: 'z9hG4bKc4' }));
    await expect.poll(() => reqs.length).toBe(1);
    const [req, txn] = reqs[0]!;
    txn.respond(makeResponse(req, 200, 'OK', { toTag: 'c4' }));
    expect(stack.stats().serverTransactionRecords).toBe(1);
    expect(stack.serverTransaction(txn.id)).toBeUndefined();
    await send(request('CANCEL', { branch: 'z9hG4bKc4' }));
    await expect.poll(() => cancels.length).toBe(1);
    expect(cancels[0]![0]).toBeUndefined();
    expect(cancels[0]![1]).toBe(txn.id);
    // A `terminated` listener makes the stack keep the object with its record (and pass it on).
    const ended = new Promise<void>((r) => txn.once('terminated', r));
    expect(stack.serverTransaction(txn.id)).toBe(txn);
    // A retransmitted CANCEL gets its 200 again from the CANCEL's own record (§17.2.2).
    await send(request('CANCEL', { branch: 'z9hG4bKc4' }));
    await peer.waitFor(starts('SIP/2.0 200 OK'), 3);
    await ended;
    expect(txn.state).toBe(TransactionState.Terminated);
    // The CANCEL's own record expires a moment after the INVITE's.
    await expect.poll(() => stack.stats().serverTransactionRecords, { timeout: 3000 }).toBe(0);
  });

  it('answers 200/481 itself when nobody listens for cancel', async () => {
    const { peer, reqs, send } = await setup();
    await send(request('INVITE', { branch: 'z9hG4bKc2' }));
    await expect.poll(() => reqs.length).toBe(1);
    await send(request('CANCEL', { branch: 'z9hG4bKc2' }));
    await send(request('CANCEL', { branch: 'z9hG4bKc3' }));
    await peer.waitFor(starts('SIP/2.0 200 OK'));
    await peer.waitFor(starts('SIP/2.0 481'));
  });
});
