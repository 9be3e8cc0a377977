import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portBlock } from '../helpers/ports.js';
import { describeRun, runSipp } from '../helpers/sipp.js';
import { type LooseSrf, connectApp, disconnectApp, until } from '../helpers/srf.js';
import { type TestServer, startTestServer } from '../helpers/test-server.js';

// docs/drachtio-protocol.md, conformance 14 (503 without an app), 22–24 (CANCEL before/after a provisional, unmatched
// CANCEL and BYE outside a dialog → 481), over UDP and TCP.
const ports = portBlock('cancel');
let ts: TestServer;
let app: LooseSrf | undefined;
const cancelled: string[] = [];

beforeAll(async () => {
  ts = await startTestServer(ports);
});

afterAll(async () => {
  disconnectApp(app);
  await ts?.stop();
});

const target = () => `127.0.0.1:${ts.sipPort}`;

describe.each(['u1', 't1'] as const)('over %s', (transport) => {
  it('answers 503 when no application routes INVITE', async () => {
    if (app) return expect.fail('app must not be connected yet');
    const r = await runSipp({
      scenario: 'uac-expect-503.xml',
      target: target(),
      port: ports.sipp(0),
      mediaPort: ports.media(0),
      transport,
      keys: { ua: 'dragon-conformance' },
    });
    expect(r.code, describeRun(r)).toBe(0);
  });

  it('answers 481 to a BYE outside any dialog and to an unmatched CANCEL', async () => {
    for (const scenario of ['uac-bye-expect-481.xml', 'uac-cancel-expect-481.xml']) {
      const r = await runSipp({ scenario, target: target(), port: ports.sipp(1), mediaPort: ports.media(1), transport });
      expect(r.code, `${scenario}: ${describeRun(r)}`).toBe(0);
    }
  });
});

describe.each(['u1', 't1'] as const)('CANCEL over %s', (transport) => {
  beforeAll(async () => {
    if (app) return;
    app = await connectApp(ts.adminPort);
    app.invite((req: LooseSrf, res: LooseSrf) => {
      const callId = req.get('Call-ID');
      req.on('cancel', () => cancelled.push(callId));
      // The 'ring' service sends 180 first; the other leaves the INVITE unanswered.
      if (req.getParsedHeader('To').uri.includes('ring')) res.send(180);
    });
  });

  it('before any provisional from the app: server sends 200 + 487 and tells the app', async () => {
    const before = cancelled.length;
    const r = await runSipp({
      scenario: 'uac-cancel-after-100.xml',
      target: target(),
      port: ports.sipp(2),
      mediaPort: ports.media(2),
      transport,
    });
    expect(r.code, describeRun(r)).toBe(0);
    await until(() => cancelled.length === before + 1, 5000, 'CANCEL delivered to the app');
  });

  it('after 180 from the app: server sends 200 + 487 and tells the app', async () => {
    const before = cancelled.length;
    const r = await runSipp({
      scenario: 'uac-cancel-after-180.xml',
      target: target(),
      port: ports.sipp(3),
      mediaPort: ports.media(3),
      transport,
      service: 'ring',
    });
    expect(r.code, describeRun(r)).toBe(0);
    await until(() => cancelled.length === before + 1, 5000, 'CANCEL delivered to the app');
  });
});
