import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portBlock } from '../helpers/ports.js';
import { describeRun, runSipp } from '../helpers/sipp.js';
import { type LooseSrf, connectApp, disconnectApp } from '../helpers/srf.js';
import { type TestServer, startTestServer } from '../helpers/test-server.js';

// docs/drachtio-protocol.md, conformance 53: a REGISTER answered 200 over TCP makes later app requests to that Contact's
// user@host reuse the same connection. The registered Contact names a port nothing listens on,
// so the OPTIONS can only reach SIPp over the connection its REGISTER came in on.
const ports = portBlock('tcpReuse');
let ts: TestServer;
let app: LooseSrf;
const optionsStatus: number[] = [];

beforeAll(async () => {
  ts = await startTestServer(ports);
  app = await connectApp(ts.adminPort);
  app.register((req: LooseSrf, res: LooseSrf) => {
    const contact: string = req.get('Contact');
    res.send(200, { headers: { Contact: `${contact};expires=3600`, Expires: '3600' } });
    const uri = /<([^>]+)>/.exec(contact)?.[1] ?? '';
    setTimeout(() => {
      // Callback form: the listener must be attached as soon as the request is echoed, before
      // the response frame (possibly in the same read) is processed.
      app.request(
        uri,
        { method: 'OPTIONS', headers: { From: '<sip:registrar@127.0.0.1>', To: `<${uri}>` } },
        (err: Error | null, r: LooseSrf) => {
          if (err) optionsStatus.push(-1);
          else r.on('response', (rsp: LooseSrf) => optionsStatus.push(rsp.status));
        },
      );
    }, 100);
  });
});

afterAll(async () => {
  disconnectApp(app);
  await ts?.stop();
});

describe('TCP connection reuse for registered contacts', () => {
  it('sends the app OPTIONS to the registered Contact over the REGISTER connection', async () => {
    const r = await runSipp({
      scenario: 'uac-register-tcp-reuse.xml',
      target: `127.0.0.1:${ts.sipPort}`,
      port: ports.sipp(0),
      mediaPort: ports.media(0),
      transport: 't1',
      timeoutS: 15,
      extra: ['-aa'],
    });
    expect(r.code, describeRun(r)).toBe(0);
    expect(optionsStatus).toEqual([200]);
  });
});
