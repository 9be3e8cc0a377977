import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portBlock } from '../helpers/ports.js';
import { describeRun, runSipp } from '../helpers/sipp.js';
import { type LooseSrf, connectApp, disconnectApp, sdp, until } from '../helpers/srf.js';
import { type TestServer, startTestServer } from '../helpers/test-server.js';

// docs/drachtio-protocol.md, conformance 20 end to end: a caller that never ACKs gets the 2xx retransmitted, then a BYE
// with Reason "ACK timeout" after 64×T1; the app's dialog ends (drachtio-srf sees the server's
// unsolicited BYE). T1 = 100 ms keeps it to ~7 s.
const ports = portBlock('ackTimeout');
let ts: TestServer;
let app: LooseSrf;
let destroyed = 0;

beforeAll(async () => {
  ts = await startTestServer(ports, { timers: { t1: 100, t2: 800, t4: 1000 } });
  app = await connectApp(ts.adminPort);
  app.invite(async (req: LooseSrf, res: LooseSrf) => {
    try {
      const dlg = await app.createUAS(req, res, { localSdp: sdp('dragon-answer', 30060) });
      dlg.on('destroy', () => destroyed++);
    } catch {
      // createUAS rejects when the ACK never comes; the BYE still ends the call
      destroyed++;
    }
  });
});

afterAll(async () => {
  disconnectApp(app);
  await ts?.stop();
});

describe('ACK timeout over UDP', () => {
  it('retransmits the 200, then sends BYE with Reason "ACK timeout" and ends the app dialog', async () => {
    const r = await runSipp({
      scenario: 'uac-no-ack.xml',
      target: `127.0.0.1:${ts.sipPort}`,
      port: ports.sipp(0),
      mediaPort: ports.media(0),
      timeoutS: 25,
    });
    expect(r.code, describeRun(r)).toBe(0);
    await until(() => destroyed === 1, 5000, 'app dialog ended');
  }, 40_000);
});
