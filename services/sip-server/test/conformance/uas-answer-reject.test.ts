import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portBlock } from '../helpers/ports.js';
import { describeRun, runSipp } from '../helpers/sipp.js';
import { answerInvite, connectApp, disconnectApp, type LooseSrf, sdp, until } from '../helpers/srf.js';
import { type TestServer, startTestServer } from '../helpers/test-server.js';

// docs/drachtio-protocol.md, conformance 12–14, 16–17, 19, 21, 25–26: an application answers and rejects
// INVITEs from SIPp over UDP and TCP; BYE from the caller ends the dialog.
const ports = portBlock('uas');
let ts: TestServer;
let app: LooseSrf;
const seen: Array<{ method: string; protocol: string; body: string; ua: string }> = [];
let byes = 0;

beforeAll(async () => {
  ts = await startTestServer(ports);
  app = await connectApp(ts.adminPort);
  app.invite((req: LooseSrf, res: LooseSrf) => {
    seen.push({ method: req.method, protocol: req.protocol, body: req.body, ua: req.get('User-Agent') });
    const to: string = req.getParsedHeader('To').uri;
    if (to.includes('reject')) {
      res.send(486, 'Busy Here');
      return;
    }
    // docs/drachtio-protocol.md, conformance 18: several provisionals, then one final.
    if (to.includes('provisionals')) {
      res.send(180);
      res.send(183, { body: sdp('dragon-early', 30000) });
    }
    answerInvite(app, req, res, 30000, () => byes++);
  });
});

afterAll(async () => {
  disconnectApp(app);
  await ts?.stop();
});

describe.each(['u1', 't1'] as const)('UAS over %s', (transport) => {
  it('answers an INVITE with SDP; the caller ACKs and hangs up', async () => {
    const before = byes;
    const r = await runSipp({
      scenario: 'uac-invite-bye.xml',
      target: `127.0.0.1:${ts.sipPort}`,
      port: ports.sipp(0),
      mediaPort: ports.media(0),
      transport,
    });
    expect(r.code, describeRun(r)).toBe(0);
    await until(() => byes === before + 1, 5000, 'BYE reported to the app');
    const last = seen.at(-1)!;
    expect(last.method).toBe('INVITE');
    expect(last.protocol).toBe(transport === 'u1' ? 'udp' : 'tcp');
    expect(last.body).toContain('s=sipp-offer');
    expect(last.ua).toBe('dragon-conformance');
  });

  it('rejects an INVITE with 486; the ACK is absorbed', async () => {
    const r = await runSipp({
      scenario: 'uac-expect-486.xml',
      target: `127.0.0.1:${ts.sipPort}`,
      port: ports.sipp(1),
      mediaPort: ports.media(1),
      transport,
      service: 'reject',
      keys: { ua: 'dragon-conformance' },
    });
    expect(r.code, describeRun(r)).toBe(0);
  });

  it('accepts several provisionals from the app before its 200', async () => {
    const before = byes;
    const r = await runSipp({
      scenario: 'uac-invite-bye.xml',
      target: `127.0.0.1:${ts.sipPort}`,
      port: ports.sipp(3),
      mediaPort: ports.media(0),
      transport,
      service: 'provisionals',
    });
    expect(r.code, describeRun(r)).toBe(0);
    await until(() => byes === before + 1, 5000, 'BYE reported to the app');
  });

  it('answers several calls in a row', async () => {
    const before = byes;
    const r = await runSipp({
      scenario: 'uac-invite-bye.xml',
      target: `127.0.0.1:${ts.sipPort}`,
      port: ports.sipp(2),
      mediaPort: ports.media(2),
      transport,
      calls: 10,
      rate: 20,
    });
    expect(r.code, describeRun(r)).toBe(0);
    await until(() => byes === before + 10, 5000, '10 BYEs reported');
  });
});
