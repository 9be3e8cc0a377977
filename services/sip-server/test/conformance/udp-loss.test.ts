import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portBlock } from '../helpers/ports.js';
import { describeRun, runSipp } from '../helpers/sipp.js';
import { type LooseSrf, connectApp, disconnectApp, sdp, until } from '../helpers/srf.js';
import { type TestServer, startTestServer } from '../helpers/test-server.js';

// RFC 3261 §17 over a lossy network: SIPp drops 10 % of the packets it sends and receives
// (`-lost 10`); every call must still complete through retransmissions (INVITE/BYE by the
// client, 2xx by the server until the ACK, final responses re-sent for request retransmissions).
const ports = portBlock('loss');
let ts: TestServer;
let app: LooseSrf;

beforeAll(async () => {
  // Short T1 keeps the run brief; the timer arithmetic is the same.
  ts = await startTestServer(ports, { timers: { t1: 100, t2: 800, t4: 1000 } });
  app = await connectApp(ts.adminPort);
  app.invite((req: LooseSrf, res: LooseSrf) => {
    app.createUAS(req, res, { localSdp: sdp('dragon-answer', 30030) }).catch(() => {});
  });
});

afterAll(async () => {
  disconnectApp(app);
  await ts?.stop();
});

describe('UDP packet loss', () => {
  it('completes 30 calls with 10 % loss by retransmission', async () => {
    const r = await runSipp({
      scenario: 'uac-invite-bye.xml',
      target: `127.0.0.1:${ts.sipPort}`,
      port: ports.sipp(0),
      mediaPort: ports.media(0),
      transport: 'u1',
      calls: 30,
      rate: 10,
      timeoutS: 80,
      extra: ['-lost', '10', '-max_retrans', '10'],
    });
    expect(r.code, describeRun(r)).toBe(0);
  }, 100_000);

  it('releases every dialog and transaction once the timers have run (64×T1 = 6.4 s here)', async () => {
    const alive = () => {
      const s = ts.server.stats();
      const k = ts.server.stack.stats();
      return s.dialogs + s.transactions + k.serverTransactions + k.clientTransactions;
    };
    await until(() => alive() === 0, 20_000, `all state released (still ${alive()})`);
    expect(ts.server.stats().applications).toBe(1);
  }, 30_000);
});
