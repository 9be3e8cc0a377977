import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { makeResponse } from '../../src/sip/make-response.js';
import { SipRequest } from '../../src/sip/sip-request.js';
import type { SipStack } from '../../src/sip-stack.js';
import type { ServerTransaction } from '../../src/transaction/server-transaction.js';
import { portOf, request, startStack } from './stack-fixture.js';
import { TcpPeer } from './tcp-peer.js';

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(host: string): Promise<{ stack: SipStack; peer: TcpPeer; txns: ServerTransaction[] }> {
  const stack = await startStack(host);
  const peer = await TcpPeer.connect(portOf(stack, 'tcp'), host);
  cleanup.push(() => stack.stop(), () => peer.close());
  const txns: ServerTransaction[] = [];
  stack.on('request', (req, txn) => {
    txns.push(txn);
    txn.respond(makeResponse(req, 200, 'OK', { toTag: true }));
  });
  return { stack, peer, txns };
}

const count = (text: string, s: string) => text.split(s).length - 1;

for (const host of ['127.0.0.1', '::1']) {
  describe(`TCP transport on ${host}`, () => {
    it('frames split reads and several messages per read; responds on the same connection', async () => {
      const { stack, peer, txns } = await setup(host);
      const a = request('OPTIONS', { proto: 'TCP', branch: 'z9hG4bKa', body: 'hello é' , extra: ['Content-Type: text/plain'] });
      const b = request('OPTIONS', { proto: 'TCP', branch: 'z9hG4bKb' });
      const c = request('OPTIONS', { proto: 'TCP', branch: 'z9hG4bKc' });
      const all = Buffer.from(a + b + c);
      // Byte-wise split across writes, including inside the Content-Length line.
      const cut1 = a.indexOf('Content-Length') + 10;
      peer.write(all.subarray(0, cut1));
      await new Promise((r) => setTimeout(r, 20));
      peer.write(all.subarray(cut1, cut1 + 5));
      await new Promise((r) => setTimeout(r, 20));
      peer.write(all.subarray(cut1 + 5));
      await peer.waitFor((t) => count(t, 'SIP/2.0 200 OK') === 3);
      expect(txns.map((t) => t.request.body.toString())).toEqual(['hello é', '', '']);
      expect(txns[0]!.source).toMatchObject({ protocol: 'tcp', address: host, port: peer.localPort });
      expect(txns[0]!.source.connection).toBe(txns[2]!.source.connection);
      expect(stack.stats().connections).toBe(1);
    });

    it('answers a CRLFCRLF keep-alive with CRLF (RFC 5626 §3.5.1)', async () => {
      const { peer } = await setup(host);
      peer.write('\r\n\r\n');
      await peer.waitFor((t) => t === '\r\n');
    });

    it('answers 400 and closes the connection when Content-Length is missing', async () => {
      const { stack, peer, txns } = await setup(host);
      const noCl = request('OPTIONS', { proto: 'TCP' }).replace(/Content-Length: 0\r\n/, '');
      peer.write(noCl);
      await peer.waitFor((t) => t.startsWith('SIP/2.0 400 Missing Content-Length'));
      await peer.waitFor(() => peer.closed);
      expect(txns).toHaveLength(0);
      await expect.poll(() => stack.stats().connections).toBe(0);
    });

    it('closes the connection on an oversized message', async () => {
      const stack = await startStack(host, { maxMessageBytes: 1000 });
      const peer = await TcpPeer.connect(portOf(stack, 'tcp'), host);
      cleanup.push(() => stack.stop(), () => peer.close());
      peer.write(request('MESSAGE', { proto: 'TCP', body: 'x'.repeat(2000), extra: ['Content-Type: text/plain'] }));
      await peer.waitFor((t) => t.startsWith('SIP/2.0 400 Message too large'));
      await peer.waitFor(() => peer.closed);
    });

    it('reuses an aliased connection for requests to a registered contact', async () => {
      const { stack, peer, txns } = await setup(host);
      peer.write(request('REGISTER', { proto: 'TCP', branch: 'z9hG4bKreg' }));
      await peer.waitFor((t) => t.includes('SIP/2.0 200 OK'));
      stack.aliasConnection('alice@example.com', txns[0]!.source.connection!);
      expect(stack.stats().aliases).toBe(1);
      const conn = stack.findAlias('alice@example.com');
      expect(conn).toBeDefined();
      const invite = new SipRequest('OPTIONS', 'sip:alice@unresolvable.invalid;transport=tcp');
      invite
        .append('From', '<sip:pbx@example.com>;tag=p1')
        .append('To', '<sip:alice@example.com>')
        .append('Call-ID', 'alias-1')
        .append('CSeq', '1 OPTIONS')
        .append('Max-Forwards', '70');
      const txn = stack.sendRequest(invite, {
        destination: { protocol: 'tcp', address: conn!.remoteAddress, port: conn!.remotePort, connection: conn! },
      });
      const sent = await new Promise<Buffer>((r) => txn.on('sent', (i) => r(i.data)));
      await peer.waitFor((t) => t.includes('OPTIONS sip:alice@unresolvable.invalid;transport=tcp SIP/2.0'));
      expect(peer.text).toContain(sent.toString());
      expect(sent.toString()).toMatch(/Via: SIP\/2.0\/TCP .+;branch=z9hG4bK\w+;rport/);
      expect(stack.stats().connections).toBe(1);
      peer.close();
      await expect.poll(() => stack.stats().aliases).toBe(0);
      expect(stack.findAlias('alice@example.com')).toBeUndefined();
    });
  });
}

describe('client requests over IPv6', () => {
  for (const proto of ['udp', 'tcp'] as const) {
    it(`sends over ${proto} to [::1] with a bracketed Via sent-by`, async () => {
      const a = await startStack('::1');
      const b = await startStack('::1');
      cleanup.push(() => a.stop(), () => b.stop());
      const vias: string[] = [];
      b.on('request', (req, txn) => {
        vias.push(req.get('via')!);
        txn.respond(makeResponse(req, 200, 'OK', { toTag: true }));
      });
      const req = new SipRequest('OPTIONS', `sip:b@[::1]:${portOf(b, proto)};transport=${proto}`)
        .append('From', '<sip:a@x>;tag=1')
        .append('To', '<sip:b@x>')
        .append('Call-ID', `v6-${proto}`)
        .append('CSeq', '1 OPTIONS')
        .append('Max-Forwards', '70');
      const txn = a.sendRequest(req);
      const res = await new Promise<{ status: number }>((r) => txn.on('response', r));
      expect(res.status).toBe(200);
      expect(vias[0]).toMatch(new RegExp(`^SIP/2.0/${proto.toUpperCase()} \\[::1\\]:${portOf(a, proto)};branch=z9hG4bK\\w+;rport=\\d+$`));
    });
  }
});

describe('TCP outgoing connections', () => {
  it('connects to a TCP target, pools the connection both ways, and reports connect failures', async () => {
    const a = await startStack('127.0.0.1');
    const b = await startStack('127.0.0.1');
    cleanup.push(() => a.stop(), () => b.stop());
    b.on('request', (req, txn) => txn.respond(makeResponse(req, 200, 'OK', { toTag: true })));
    const mk = (n: number, target: string) =>
      new SipRequest('OPTIONS', target)
        .append('From', '<sip:a@x>;tag=1')
        .append('To', '<sip:b@x>')
        .append('Call-ID', `out-${n}`)
        .append('CSeq', `${n} OPTIONS`)
        .append('Max-Forwards', '70');
    const target = `sip:b@127.0.0.1:${portOf(b, 'tcp')};transport=tcp`;
    for (const n of [1, 2]) {
      const txn = a.sendRequest(mk(n, target));
      const res = await new Promise((r) => txn.on('response', r));
      expect((res as { status: number }).status).toBe(200);
    }
    expect(a.stats().connections).toBe(1);
    expect(b.stats().connections).toBe(1);
    // A closed port: the transaction reports a transport error.
    const dead = a.sendRequest(mk(3, 'sip:b@127.0.0.1:1;transport=tcp'));
    const err = await new Promise<Error>((r) => dead.on('transport-error', r));
    expect(err).toMatchObject({ code: 'PBX_ERR_SIP_TRANSPORT' });
    await expect.poll(() => a.stats().clientTransactions).toBe(0);
  });
});

describe('TCP connection lifecycle', () => {
  it('sends a response over a new connection to the sent-by port when the original one closed (§18.2.2)', async () => {
    const stack = await startStack('127.0.0.1');
    let received = '';
    const server = createServer((sock) => sock.on('data', (d) => (received += d.toString())));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const sentByPort = (server.address() as { port: number }).port;
    const peer = await TcpPeer.connect(portOf(stack, 'tcp'));
    cleanup.push(
      () => new Promise<void>((r) => server.close(() => r())),
      () => stack.stop(),
      () => peer.close(),
    );
    const txns: ServerTransaction[] = [];
    stack.on('request', (_req, txn) => txns.push(txn));
    peer.write(request('OPTIONS', { proto: 'TCP', sentBy: `127.0.0.1:${sentByPort}` }));
    await expect.poll(() => txns.length).toBe(1);
    peer.close();
    await expect.poll(() => txns[0]!.source.connection!.closed).toBe(true);
    txns[0]!.respond(makeResponse(txns[0]!.request, 200, 'OK', { toTag: true }));
    await expect.poll(() => received).toContain('SIP/2.0 200 OK');
  });

  it('closes idle connections but keeps aliased ones', async () => {
    const stack = await startStack('127.0.0.1', { tcpIdleTimeout: 150 });
    const idle = await TcpPeer.connect(portOf(stack, 'tcp'));
    const kept = await TcpPeer.connect(portOf(stack, 'tcp'));
    cleanup.push(() => stack.stop(), () => idle.close(), () => kept.close());
    const txns: ServerTransaction[] = [];
    stack.on('request', (req, txn) => {
      txns.push(txn);
      txn.respond(makeResponse(req, 200, 'OK', { toTag: true }));
    });
    kept.write(request('REGISTER', { proto: 'TCP', branch: 'z9hG4bKkept' }));
    idle.write(request('OPTIONS', { proto: 'TCP', branch: 'z9hG4bKidle' }));
    await expect.poll(() => txns.length).toBe(2);
    const reg = txns.find((t) => t.request.method === 'REGISTER')!;
    stack.aliasConnection('bob@example.com', reg.source.connection!);
    await idle.waitFor(() => idle.closed, 2000);
    await new Promise((r) => setTimeout(r, 300));
    expect(kept.closed).toBe(false);
    expect(stack.stats()).toMatchObject({ connections: 1, aliases: 1 });
  });

  it('gives up on a connection that never completes once the idle timeout passes', async () => {
    const stack = await startStack('127.0.0.1', { tcpIdleTimeout: 200 });
    cleanup.push(() => stack.stop());
    // TEST-NET-1 (RFC 5737): nothing answers, so the connect hangs or fails fast.
    const req = new SipRequest('OPTIONS', 'sip:x@192.0.2.1:5060;transport=tcp')
      .append('From', '<sip:a@x>;tag=1')
      .append('To', '<sip:x@x>')
      .append('Call-ID', 'blackhole')
      .append('CSeq', '1 OPTIONS');
    const txn = stack.sendRequest(req);
    const err = await new Promise<Error>((r) => txn.on('transport-error', r));
    expect(err).toMatchObject({ code: 'PBX_ERR_SIP_TRANSPORT' });
    await expect.poll(() => stack.stats()).toMatchObject({ connections: 0, clientTransactions: 0 });
  });

  it('fails a pending client transaction when its connection closes (§17.1.4)', async () => {
    const stack = await startStack('127.0.0.1');
    const server = createServer((sock) => sock.once('data', () => sock.destroy()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    cleanup.push(() => new Promise<void>((r) => server.close(() => r())), () => stack.stop());
    const req = new SipRequest('INVITE', `sip:x@127.0.0.1:${port};transport=tcp`)
      .append('From', '<sip:a@x>;tag=1')
      .append('To', '<sip:x@x>')
      .append('Call-ID', 'dropped')
      .append('CSeq', '1 INVITE');
    const txn = stack.sendRequest(req);
    const err = await new Promise<Error>((r) => txn.on('transport-error', r));
    expect(err.message).toContain('closed');
    expect(stack.stats()).toMatchObject({ connections: 0, clientTransactions: 0 });
  });
});
