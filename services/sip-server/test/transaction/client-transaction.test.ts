import { afterEach, describe, expect, it } from 'vitest';
import { parseMessage } from '../../src/sip/parse-message.js';
import { SipRequest } from '../../src/sip/sip-request.js';
import type { SipResponse } from '../../src/sip/sip-response.js';
import { parseVia } from '../../src/sip/via.js';
import type { ClientTransaction } from '../../src/transaction/client-transaction.js';
import { TransactionState } from '../../src/transaction/transaction-state.js';
import { startStack } from '../transport/stack-fixture.js';
import { type Datagram, UdpPeer } from '@dragonpbx/testkit';

const T = { t1: 20, t2: 80, t4: 100 };
let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup() {
  const stack = await startStack('127.0.0.1', { timers: T });
  const peer = await UdpPeer.open();
  cleanup.push(() => stack.stop(), () => peer.close());
  return { stack, peer };
}

function outgoing(method: string, peer: UdpPeer, n = 1): SipRequest {
  return new SipRequest(method, `sip:bob@127.0.0.1:${peer.port}`)
    .append('Max-Forwards', '70')
    .append('From', '<sip:alice@example.com>;tag=uac1')
    .append('To', '<sip:bob@example.com>')
    .append('Call-ID', `client-${method}-${n}`)
    .append('CSeq', `${n} ${method}`)
    .append('Route', `<sip:127.0.0.1:${peer.port};lr>`);
}

function track(txn: ClientTransaction) {
  const ev = { responses: [] as SipResponse[], retrans: [] as SipResponse[], timeout: 0, terminated: 0 };
  txn.on('response', (r) => ev.responses.push(r));
  txn.on('retransmission', (r) => ev.retrans.push(r));
  txn.on('timeout', () => ev.timeout++);
  txn.on('terminated', () => ev.terminated++);
  return ev;
}

/** A response to the request in datagram `d`. */
function reply(d: Datagram, status: number, reason: string, toTag?: string): string {
  const req = parseMessage(Buffer.from(d.data));
  const lines = [`SIP/2.0 ${status} ${reason}`];
  for (const v of req.getAll('via')) lines.push(`Via: ${v}`);
  lines.push(`From: ${req.get('from')}`, `To: ${req.get('to')}${toTag ? `;tag=${toTag}` : ''}`, `Call-ID: ${req.callId}`, `CSeq: ${req.get('cseq')}`, 'Content-Length: 0', '', '');
  return lines.join('\r\n');
}

const isReq = (m: string) => (d: Datagram) => d.data.startsWith(`${m} `);

describe('INVITE client transaction (RFC 3261 §17.1.1)', () => {
  it('retransmits with Timer A doubling and times out with Timer B', async () => {
    const { stack, peer } = await setup();
    const t0 = Date.now();
    const txn = stack.sendRequest(outgoing('INVITE', peer));
    const ev = track(txn);
    const sent = await new Promise<Buffer>((r) => txn.on('sent', (i) => r(i.data)));
    const via = parseVia(parseMessage(sent).get('via')!);
    expect(via.branch).toMatch(/^z9hG4bK/);
    expect(via.rport).toBeNull();
    expect(via.port).toBe(stack.localContacts()[0]!.port);
    await expect.poll(() => ev.timeout, { timeout: 3000 }).toBe(1);
    const invites = peer.received.filter(isReq('INVITE'));
    // Sent at 0, 20, 60, 140, 300, 620, 1260 ms; Timer B at 1280 ms.
    expect(invites.length).toBeGreaterThanOrEqual(6);
    expect(invites.length).toBeLessThanOrEqual(7);
    // Timers never fire early: the k-th copy arrives no sooner than the doubling schedule.
    const cumulative = [0, 20, 60, 140, 300, 620, 1260];
    for (const [k, d] of invites.entries()) expect(d.at - t0).toBeGreaterThanOrEqual(cumulative[k]! - 2);
    expect(new Set(invites.map((d) => d.data)).size).toBe(1);
    expect(ev.terminated).toBe(1);
    expect(stack.stats().clientTransactions).toBe(0);
  });

  it('ACKs a non-2xx itself (§17.1.1.3), re-ACKs retransmissions, reports it once, ends after Timer D', async () => {
    const { stack, peer } = await setup();
    const txn = stack.sendRequest(outgoing('INVITE', peer));
    const ev = track(txn);
    const [inv] = await peer.waitFor(isReq('INVITE'));
    await peer.send(reply(inv!, 100, 'Trying'), portFrom(inv!));
    await peer.send(reply(inv!, 180, 'Ringing', 'uas9'), portFrom(inv!));
    await expect.poll(() => ev.responses.length).toBe(1);
    expect(ev.responses[0]!.status).toBe(180);
    expect(txn.state).toBe(TransactionState.Proceeding);
    const before = peer.received.filter(isReq('INVITE')).length;
    await new Promise((r) => setTimeout(r, 100));
    expect(peer.received.filter(isReq('INVITE')).length).toBe(before);
    await peer.send(reply(inv!, 486, 'Busy Here', 'uas9'), portFrom(inv!));
    const [ack] = await peer.waitFor(isReq('ACK'));
    const a = parseMessage(Buffer.from(ack!.data)) as SipRequest;
    const i = parseMessage(Buffer.from(inv!.data)) as SipRequest;
    expect(a.uri).toBe(i.uri);
    expect(a.get('via')).toBe(i.get('via'));
    expect(a.get('cseq')).toBe('1 ACK');
    expect(a.get('to')).toBe('<sip:bob@example.com>;tag=uas9');
    expect(a.getAll('route')).toEqual(i.getAll('route'));
    await peer.send(reply(inv!, 486, 'Busy Here', 'uas9'), portFrom(inv!));
    await peer.waitFor(isReq('ACK'), 2);
    expect(ev.responses.map((r) => r.status)).toEqual([180, 486]);
    expect(txn.state).toBe(TransactionState.Completed);
    await expect.poll(() => ev.terminated, { timeout: 3000 }).toBe(1);
    expect(stack.stats().clientTransactions).toBe(0);
  });

  it('2xx: accepted state reports forks as responses and repeats as retransmissions; later 2xx are stray', async () => {
    const { stack, peer } = await setup();
    const strays: SipResponse[] = [];
    stack.on('stray-response', (r) => strays.push(r));
    const txn = stack.sendRequest(outgoing('INVITE', peer));
    const ev = track(txn);
    const [inv] = await peer.waitFor(isReq('INVITE'));
    await peer.send(reply(inv!, 200, 'OK', 'fork1'), portFrom(inv!));
    await peer.send(reply(inv!, 200, 'OK', 'fork1'), portFrom(inv!));
    await peer.send(reply(inv!, 200, 'OK', 'fork2'), portFrom(inv!));
    await expect.poll(() => ev.responses.length + ev.retrans.length).toBe(3);
    expect(ev.responses.map((r) => r.get('to'))).toEqual(['<sip:bob@example.com>;tag=fork1', '<sip:bob@example.com>;tag=fork2']);
    expect(ev.retrans).toHaveLength(1);
    expect(txn.state).toBe(TransactionState.Accepted);
    expect(peer.received.filter(isReq('ACK'))).toHaveLength(0);
    await expect.poll(() => ev.terminated, { timeout: 3000 }).toBe(1);
    await peer.send(reply(inv!, 200, 'OK', 'fork1'), portFrom(inv!));
    await expect.poll(() => strays.length).toBe(1);
    expect(stack.stats().clientTransactions).toBe(0);
  });

  it('builds a CANCEL per §9.1 and sends it to the same destination', async () => {
    const { stack, peer } = await setup();
    const txn = stack.sendRequest(outgoing('INVITE', peer));
    const [inv] = await peer.waitFor(isReq('INVITE'));
    const cancel = txn.createCancel([{ name: 'Reason', value: 'SIP;cause=487' }]);
    const ctx = stack.sendRequest(cancel, { destination: txn.destination! });
    const [c] = await peer.waitFor(isReq('CANCEL'));
    const cm = parseMessage(Buffer.from(c!.data)) as SipRequest;
    const im = parseMessage(Buffer.from(inv!.data)) as SipRequest;
    expect(cm.uri).toBe(im.uri);
    expect(cm.get('via')).toBe(im.get('via'));
    expect(cm.get('cseq')).toBe('1 CANCEL');
    expect(cm.get('to')).toBe(im.get('to'));
    expect(cm.get('from')).toBe(im.get('from'));
    expect(cm.get('reason')).toBe('SIP;cause=487');
    expect(ctx.id).not.toBe(txn.id);
    await peer.send(reply(c!, 200, 'OK', 'x'), portFrom(c!));
    await peer.send(reply(inv!, 487, 'Request Terminated', 'x'), portFrom(inv!));
    const ctxRes = await new Promise<SipResponse>((r) => ctx.on('response', r));
    expect(ctxRes.get('cseq')).toBe('1 CANCEL');
    await expect.poll(() => txn.lastStatus).toBe(487);
    txn.terminate();
    ctx.terminate();
    expect(stack.stats().clientTransactions).toBe(0);
    expect(() => stack.sendRequest(outgoing('OPTIONS', peer)).createCancel()).toThrowError(expect.objectContaining({ code: 'PBX_ERR_SIP_TXN_STATE' }));
  });
});

describe('non-INVITE client transaction (RFC 3261 §17.1.2)', () => {
  it('retransmits with Timer E capped at T2, keeps going at T2 after a 1xx, and completes on the final', async () => {
    const { stack, peer } = await setup();
    const t0 = Date.now();
    const txn = stack.sendRequest(outgoing('OPTIONS', peer));
    const ev = track(txn);
    const first = await peer.waitFor(isReq('OPTIONS'), 6, 2000);
    // Capped schedule: 0, 20, 60, 140, 220, 300 ms (uncapped doubling would put
    // the 6th copy at 620 ms); timers never fire early.
    const cumulative = [0, 20, 60, 140, 220, 300];
    for (const [k, d] of first.entries()) expect(d.at - t0).toBeGreaterThanOrEqual(cumulative[k]! - 2);
    expect(first[5]!.at - t0).toBeLessThan(560);
    await peer.send(reply(first[0]!, 100, 'Trying'), portFrom(first[0]!));
    await new Promise((r) => setTimeout(r, 50));
    await peer.send(reply(first[0]!, 200, 'OK', 't'), portFrom(first[0]!));
    await expect.poll(() => ev.responses.length).toBe(1);
    expect(ev.responses[0]!.status).toBe(200);
    expect(txn.state).toBe(TransactionState.Completed);
    const n = peer.received.filter(isReq('OPTIONS')).length;
    await expect.poll(() => ev.terminated, { timeout: 1000 }).toBe(1);
    expect(peer.received.filter(isReq('OPTIONS')).length).toBe(n);
    expect(stack.stats().clientTransactions).toBe(0);
  });

  it('times out with Timer F and reports a resolution failure as transport-error', async () => {
    const { stack, peer } = await setup();
    const txn = stack.sendRequest(outgoing('MESSAGE', peer));
    const ev = track(txn);
    await expect.poll(() => ev.timeout, { timeout: 3000 }).toBe(1);
    const bad = new SipRequest('OPTIONS', 'sip:x@no-such-host.invalid:5060')
      .append('From', '<sip:a@b>;tag=1')
      .append('To', '<sip:x@y>')
      .append('Call-ID', 'res-fail')
      .append('CSeq', '1 OPTIONS');
    const failed = stack.sendRequest(bad);
    const err = await new Promise<Error>((r) => failed.on('transport-error', r));
    expect(err).toMatchObject({ code: 'PBX_ERR_SIP_RESOLVE' });
    expect(stack.stats().clientTransactions).toBe(0);
  });
});

describe('stack lifecycle', () => {
  it('stop() terminates live transactions and clears their timers', async () => {
    const { stack, peer } = await setup();
    const a = track(stack.sendRequest(outgoing('INVITE', peer, 1)));
    const b = track(stack.sendRequest(outgoing('OPTIONS', peer, 2)));
    await peer.waitFor(isReq('OPTIONS'));
    expect(stack.stats().clientTransactions).toBe(2);
    await stack.stop();
    expect([a.terminated, b.terminated]).toEqual([1, 1]);
    expect(stack.stats().clientTransactions).toBe(0);
    expect(() => stack.sendRequest(outgoing('OPTIONS', peer, 3))).toThrowError(expect.objectContaining({ code: 'PBX_ERR_SIP_STACK_STATE' }));
  });
});

/** The stack's port, from the top Via of a request it sent. */
function portFrom(d: Datagram): number {
  return parseVia(parseMessage(Buffer.from(d.data)).get('via')!).port!;
}
