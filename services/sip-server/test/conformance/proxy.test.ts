import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portBlock } from '../helpers/ports.js';
import { describeRun, runSipp, startSipp } from '../helpers/sipp.js';
import { type LooseSrf, connectApp, disconnectApp } from '../helpers/srf.js';
import { type TestServer, startTestServer } from '../helpers/test-server.js';

// docs/drachtio-protocol.md, conformance 48–50: srf.proxyRequest between two SIPp agents. The caller's preloaded Route is
// stripped; with recordRoute the server
// stays in the dialog (ACK and BYE pass through it without the app); a target no configured
// transport can reach yields 500 upstream and an error in the app.
const ports = portBlock('proxy');
let ts: TestServer;
let app: LooseSrf;
let target = '';
const outcomes: string[] = [];

beforeAll(async () => {
  ts = await startTestServer(ports, { protocols: ['udp'] });
  app = await connectApp(ts.adminPort);
  app.invite((req: LooseSrf, res: LooseSrf) => {
    app
      .proxyRequest(req, [target], { recordRoute: true, remainInDialog: true })
      .then((r: LooseSrf) => outcomes.push(`done:${r.finalStatus}`))
      .catch((err: Error) => outcomes.push(`error:${err.message}`));
    void res;
  });
});

afterAll(async () => {
  disconnectApp(app);
  await ts?.stop();
});

describe('stateful proxy (UDP)', () => {
  it('proxies INVITE to a SIPp UAS, record-routes, and relays ACK and BYE in the dialog', async () => {
    target = `sip:callee@127.0.0.1:${ports.sipp(1)}`;
    outcomes.length = 0;
    const uas = startSipp({ scenario: 'uas-proxied.xml', port: ports.sipp(1), mediaPort: ports.media(1), timeoutS: 15 });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const uac = await runSipp({
        scenario: 'uac-proxied.xml',
        target: `127.0.0.1:${ts.sipPort}`,
        port: ports.sipp(0),
        mediaPort: ports.media(0),
        timeoutS: 15,
      });
      expect(uac.code, `caller: ${describeRun(uac)}`).toBe(0);
      const callee = await uas.done;
      expect(callee.code, `callee: ${describeRun(callee)}`).toBe(0);
      expect(outcomes).toEqual(['done:200']);
    } finally {
      uas.kill();
    }
  });

  it('answers 500 upstream when no configured transport reaches the target', async () => {
    target = `sip:callee@127.0.0.1:${ports.sipp(2)};transport=tcp`;
    outcomes.length = 0;
    const r = await runSipp({
      scenario: 'uac-expect-500.xml',
      target: `127.0.0.1:${ts.sipPort}`,
      port: ports.sipp(0),
      mediaPort: ports.media(0),
      keys: { ua: 'dragon-conformance' },
      timeoutS: 15,
    });
    expect(r.code, describeRun(r)).toBe(0);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatch(/^error:/);
  });
});
