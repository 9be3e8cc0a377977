import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portBlock } from '../helpers/ports.js';
import { SCENARIOS, describeRun, runSipp } from '../helpers/sipp.js';
import { answerInvite, connectApp, disconnectApp, type LooseSrf, until } from '../helpers/srf.js';
import { type TestServer, startTestServer } from '../helpers/test-server.js';

// RFC 3261 §17 over a lossy network: SIPp drops 10 % of the packets it sends and receives
// (`-lost 10`); every call must still complete through retransmissions (INVITE/BYE by the
// client, 2xx by the server until the ACK, final responses re-sent for request retransmissions).
const ports = portBlock('loss');
let ts: TestServer;
let app: LooseSrf;
// Both ends must share T1: the server forgets a finished BYE after 64×T1 (Timer J), so a
// client that still retransmits on a 500 ms T1 would get 481 for a BYE whose 200s were all
// lost. The scenario's retransmission interval is set to the server's T1 below.
const T1 = 100;
const dir = mkdtempSync(join(tmpdir(), 'dragon-loss-'));
const scenario = join(dir, 'uac-invite-bye-t1.xml');
writeFileSync(
  scenario,
  readFileSync(join(SCENARIOS, 'uac-invite-bye.xml'), 'utf8').replaceAll('retrans="500"', `retrans="${T1}"`),
);

beforeAll(async () => {
  // Short T1 keeps the run brief; the timer arithmetic is the same.
  ts = await startTestServer(ports, { timers: { t1: T1, t2: 800, t4: 1000 } });
  app = await connectApp(ts.adminPort);
  app.invite((req: LooseSrf, res: LooseSrf) => {
    answerInvite(app, req, res, 30030);
  });
});

afterAll(async () => {
  disconnectApp(app);
  await ts?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('UDP packet loss', () => {
  it('completes 30 calls with 10 % loss by retransmission', async () => {
    const r = await runSipp({
      scenario,
      target: `127.0.0.1:${ts.sipPort}`,
      port: ports.sipp(0),
      mediaPort: ports.media(0),
      transport: 'u1',
      calls: 30,
      rate: 10,
      timeoutS: 80,
      extra: ['-lost', '10', '-max_retrans', '10', '-T2', '800'],
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
