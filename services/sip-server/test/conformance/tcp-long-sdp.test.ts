import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portBlock } from '../helpers/ports.js';
import { describeRun, runSipp } from '../helpers/sipp.js';
import { answerInvite, connectApp, disconnectApp, type LooseSrf } from '../helpers/srf.js';
import { type TestServer, startTestServer } from '../helpers/test-server.js';

// docs/drachtio-protocol.md, conformance 54: a ~16 kB SDP over TCP reaches the app whole; header order, header name case
// and the body are forwarded byte for byte.
const ports = portBlock('tcp');
let ts: TestServer;
let app: LooseSrf;
const got: Array<{ raw: string; body: string; contentLength: number }> = [];

beforeAll(async () => {
  ts = await startTestServer(ports);
  app = await connectApp(ts.adminPort);
  app.invite((req: LooseSrf, res: LooseSrf) => {
    got.push({ raw: req.raw, body: req.body, contentLength: Number(req.get('Content-Length')) });
    answerInvite(app, req, res, 30040);
  });
});

afterAll(async () => {
  disconnectApp(app);
  await ts?.stop();
});

describe('long messages over TCP', () => {
  it('delivers a 16 kB SDP and the headers exactly as sent', async () => {
    const r = await runSipp({
      scenario: 'uac-long-sdp.xml',
      target: `127.0.0.1:${ts.sipPort}`,
      port: ports.sipp(0),
      mediaPort: ports.media(0),
      transport: 't1',
    });
    expect(r.code, describeRun(r)).toBe(0);
    expect(got).toHaveLength(1);
    const { raw, body, contentLength } = got[0]!;
    expect(Buffer.byteLength(body)).toBeGreaterThan(15_000);
    expect(Buffer.byteLength(body)).toBe(contentLength);
    expect(body.startsWith('v=0\r\n')).toBe(true);
    expect(body).toContain('a=x-dragon-filler-0000:');
    expect(body).toContain('a=x-dragon-filler-0259:');
    expect(body.trimEnd().endsWith('a=x-dragon-last-line')).toBe(true);
    expect(raw).toContain('\r\nX-Order-B: 2\r\nx-order-a: 1\r\nX-ORDER-C: 3\r\n');
    expect(raw.endsWith(body)).toBe(true);
  });
});
