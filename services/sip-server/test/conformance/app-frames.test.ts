import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawAdminClient } from '../drachtio/raw-admin-client.js';
import { portBlock } from '../helpers/ports.js';
import { describeRun, startSipp } from '../helpers/sipp.js';
import { type TestServer, startTestServer } from '../helpers/test-server.js';

// docs/drachtio-protocol.md, conformance 27, 31, 33: an application speaking raw frames places an INVITE a SIPp UAS
// rejects. The echo comes before the response, the 486 carries the dialogId, the stack ACKs the
// 486 by itself, and an ACK the app then sends for that dialog is refused with NOK and never
// reaches the network (SIPp would fail on a second ACK).
const ports = portBlock('appFrames');
let ts: TestServer;
let app: RawAdminClient;

beforeAll(async () => {
  ts = await startTestServer(ports);
  app = await RawAdminClient.open(ts.adminPort);
  await app.authenticate();
});

afterAll(async () => {
  app?.close();
  await ts?.stop();
});

describe('raw app frames against a SIPp UAS', () => {
  it('refuses an app ACK after a non-2xx final; only the stack ACK goes out', async () => {
    const uas = startSipp({ scenario: 'uas-reject-486.xml', port: ports.sipp(0), mediaPort: ports.media(0), timeoutS: 15 });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const target = `sip:busy@127.0.0.1:${ports.sipp(0)}`;
      const id = app.send('sip||', `INVITE ${target} SIP/2.0\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n`);
      const echo = await app.reply(id);
      expect(echo.tokens[3]).toBe('OK');
      const txnId = echo.tokens[10];
      const final = await app.next((f) => f.tokens[1] === 'sip' && f.tokens[8] === txnId && /^SIP\/2\.0 486/.test(f.sip ?? ''));
      const dialogId = final.tokens[9] ?? '';
      expect(dialogId).toMatch(/;from-tag=/);
      const ack = await app.reply(app.send(`sip||${dialogId}`, `ACK ${target} SIP/2.0\r\n\r\n`));
      expect(ack.tokens[3]).toBe('NOK');
      const r = await uas.done;
      expect(r.code, describeRun(r)).toBe(0);
    } finally {
      uas.kill();
    }
  });
});
