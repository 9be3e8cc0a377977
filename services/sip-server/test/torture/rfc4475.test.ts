import { type Socket, createSocket } from 'node:dgram';
import { unsupportedOptionTags } from '@dragonpbx/shared/sip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compilePolicy } from '../../src/policy/compile-policy.js';
import { createPolicy } from '../../src/policy/create-policy.js';
import { portBlock } from '../helpers/ports.js';
import { type LooseSrf, connectApp, disconnectApp } from '../helpers/srf.js';
import { type TestServer, startTestServer } from '../helpers/test-server.js';
import { callIdOf, loadFixture } from './load-fixture.js';
import { TORTURE_CASES } from './torture-cases.js';

// Every RFC 4475 §3.1.1/§3.1.2 message, sent to a running server over UDP: valid requests are
// handled, invalid ones never reach an application (400 or dropped), and after each message the
// server still answers a probe OPTIONS.
const ports = portBlock('torture');
let ts: TestServer;
let app: LooseSrf;
let sock: Socket;
const delivered = new Set<string>();
const responses: Array<{ callId: string | undefined; status: number; text: string }> = [];

beforeAll(async () => {
  ts = await startTestServer(ports, {
    protocols: ['udp'],
    policy: createPolicy(compilePolicy({ optionsAutoRespond: ['torture-probe'] })),
  });
  app = await connectApp(ts.adminPort);
  const record = (req: LooseSrf) => delivered.add(String(req.get('Call-ID')));
  app.invite((req: LooseSrf, res: LooseSrf) => {
    record(req);
    res.send(480);
  });
  for (const m of ['register', 'options', 'message']) {
    app[m]((req: LooseSrf, res: LooseSrf) => {
      record(req);
      // As every Dragon PBX service that answers a request does (RFC 3261 §8.2.2.3).
      const unsupported = unsupportedOptionTags(String(req.method), req.get('Require'), []);
      if (unsupported.length > 0) res.send(420, 'Bad Extension', { headers: { Unsupported: unsupported.join(', ') } });
      else res.send(200);
    });
  }
  sock = createSocket('udp4');
  sock.on('message', (buf: Buffer) => {
    const m = /^SIP\/2\.0 (\d{3})/.exec(buf.toString('latin1', 0, 16));
    if (m) responses.push({ callId: callIdOf(buf), status: Number(m[1]), text: buf.toString('latin1') });
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
});

afterAll(async () => {
  sock?.close();
  disconnectApp(app);
  await ts?.stop();
});

const send = (buf: Buffer) => new Promise<void>((r, j) => sock.send(buf, ts.sipPort, '127.0.0.1', (e) => (e ? j(e) : r())));
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
let probeSeq = 0;

async function probe(): Promise<void> {
  const callId = `probe-${++probeSeq}-${process.pid}`;
  const msg = [
    `OPTIONS sip:probe@127.0.0.1:${ts.sipPort} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${sock.address().port};branch=z9hG4bK-probe-${probeSeq};rport`,
    'From: <sip:probe@127.0.0.1>;tag=probe',
    'To: <sip:probe@127.0.0.1>',
    `Call-ID: ${callId}`,
    'CSeq: 1 OPTIONS',
    'Max-Forwards: 70',
    'User-Agent: torture-probe',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  await send(Buffer.from(msg));
  const end = Date.now() + 3000;
  while (!responses.some((r) => r.callId === callId && r.status === 200)) {
    if (Date.now() > end) throw new Error('server stopped answering after the previous message');
    await wait(10);
  }
}

describe('RFC 4475 torture messages over UDP', () => {
  it('answers the liveness probe before any torture', async () => {
    await probe();
  });

  it.each(TORTURE_CASES)('$section $name: $title', async ({ name, expect: want }) => {
    const msg = loadFixture(name);
    const callId = callIdOf(msg);
    await send(msg);
    await wait(400);
    const got = responses.filter((r) => r.callId === callId).map((r) => r.status);
    const reached = callId !== undefined && delivered.has(callId);
    if (process.env.TORTURE_DEBUG) console.log(`TORTURE ${name} reached=${reached} responses=${got.join(",")}`);
    switch (want.kind) {
      case 'handled':
        expect(reached || got.length > 0, `${name}: neither delivered nor answered`).toBe(true);
        break;
      case 'reject':
        expect(reached, `${name} reached the application`).toBe(false);
        for (const s of got) expect(want.codes, `${name} answered ${s}`).toContain(s);
        break;
      case 'answer': {
        const answer = responses.find((r) => r.callId === callId && r.status >= 200);
        expect(answer?.status, `${name}: answers ${got.join(',')}`).toBe(want.status);
        if (want.header) {
          const [hname, value] = want.header;
          expect(new RegExp(`^${hname}[ \\t]*:[ \\t]*(.*)\\r$`, 'im').exec(answer!.text)?.[1]).toBe(value);
        }
        break;
      }
      case 'survive':
      case 'lenient':
        break;
    }
    await probe();
  });

  it('dblreq: only the REGISTER is processed, the trailing INVITE is not', () => {
    expect(delivered.has('dblreq.0ha0isndaksdj99sdfafnl3lk233412')).toBe(true);
    expect(delivered.has('dblreq.0ha0isnda977644900765@192.0.2.15')).toBe(false);
  });
});
