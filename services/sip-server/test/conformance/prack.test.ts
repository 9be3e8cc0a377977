import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portBlock } from '../helpers/ports.js';
import { describeRun, runSipp } from '../helpers/sipp.js';
import { answerInvite, connectApp, disconnectApp, type LooseSrf, sdp, until } from '../helpers/srf.js';
import { type TestServer, startTestServer } from '../helpers/test-server.js';

// docs/drachtio-protocol.md, conformance 44 end to end: the app sends a reliable 183 (Require: 100rel) to a SIPp caller that
// offered 100rel; the server adds RSeq, SIPp PRACKs it, the PRACK reaches the app, then the call
// is answered, ACKed and hung up by the caller.
const ports = portBlock('prack');
let ts: TestServer;
let app: LooseSrf;
let pracks = 0;
let ended = 0;

beforeAll(async () => {
  ts = await startTestServer(ports);
  app = await connectApp(ts.adminPort);
  app.prack((_req: LooseSrf, res: LooseSrf) => {
    pracks++;
    res.send(200);
  });
  app.invite((req: LooseSrf, res: LooseSrf) => {
    res.send(183, { headers: { Require: '100rel', 'Content-Type': 'application/sdp' }, body: sdp('dragon-early', 30070) });
    const started = pracks;
    const answer = () => answerInvite(app, req, res, 30070, () => ended++);
    const poll = setInterval(() => {
      if (pracks > started) {
        clearInterval(poll);
        answer();
      }
    }, 20);
  });
});

afterAll(async () => {
  disconnectApp(app);
  await ts?.stop();
});

describe.each(['u1', 't1'] as const)('reliable provisional over %s', (transport) => {
  it('delivers the PRACK for the app 183 and completes the call', async () => {
    const before = { pracks, ended };
    const r = await runSipp({
      scenario: 'uac-100rel.xml',
      target: `127.0.0.1:${ts.sipPort}`,
      port: ports.sipp(transport === 'u1' ? 0 : 1),
      mediaPort: ports.media(0),
      transport,
      timeoutS: 15,
    });
    expect(r.code, describeRun(r)).toBe(0);
    expect(pracks).toBe(before.pracks + 1);
    await until(() => ended === before.ended + 1, 5000, 'dialog ended');
  });
});
