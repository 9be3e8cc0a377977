import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portBlock } from '../helpers/ports.js';
import { describeRun, startSipp } from '../helpers/sipp.js';
import { type LooseSrf, connectApp, disconnectApp, sdp, until } from '../helpers/srf.js';
import { type TestServer, startTestServer } from '../helpers/test-server.js';

// docs/drachtio-protocol.md, conformance 27–32, 37 (outbound INVITE, ACK, BYE from the app, digest retry with
// app-supplied Call-ID/CSeq, REGISTER with @localhost Contact) against SIPp UASs over UDP and TCP.
const ports = portBlock('uac');
let ts: TestServer;
let app: LooseSrf;

beforeAll(async () => {
  ts = await startTestServer(ports);
  app = await connectApp(ts.adminPort);
});

afterAll(async () => {
  disconnectApp(app);
  await ts?.stop();
});

const uri = (port: number, transport: 'u1' | 't1', user = 'service') =>
  `sip:${user ? `${user}@` : ''}127.0.0.1:${port}${transport === 't1' ? ';transport=tcp' : ''}`;

describe.each(['u1', 't1'] as const)('UAC over %s', (transport) => {
  it('places an INVITE with SDP, gets the answer SDP, and hangs up with BYE', async () => {
    const uas = startSipp({ scenario: 'uas-answer.xml', port: ports.sipp(0), mediaPort: ports.media(0), transport });
    try {
      await new Promise((r) => setTimeout(r, 300)); // let SIPp bind
      const dlg = await app.createUAC(uri(ports.sipp(0), transport), { localSdp: sdp('dragon-offer', 30010) });
      expect(dlg.remote.sdp).toContain('s=sipp-answer');
      await dlg.destroy();
      const r = await uas.done;
      expect(r.code, describeRun(r)).toBe(0);
    } finally {
      uas.kill();
    }
  });

  it('retries an INVITE with digest credentials after a 401', async () => {
    const uas = startSipp({ scenario: 'uas-auth-invite.xml', port: ports.sipp(1), mediaPort: ports.media(1), transport });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const dlg = await app.createUAC(uri(ports.sipp(1), transport), {
        localSdp: sdp('dragon-offer', 30012),
        auth: { username: 'alice', password: 'wonderland' },
      });
      expect(dlg.remote.sdp).toContain('s=sipp-answer');
      await dlg.destroy();
      const r = await uas.done;
      expect(r.code, describeRun(r)).toBe(0);
    } finally {
      uas.kill();
    }
  });

  it('sends a REGISTER with an @localhost Contact and retries it with digest credentials', async () => {
    const uas = startSipp({ scenario: 'uas-auth-register.xml', port: ports.sipp(2), mediaPort: ports.media(2), transport });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const status = await new Promise<number>((resolve, reject) => {
        app.request(
          uri(ports.sipp(2), transport, ''),
          {
            method: 'REGISTER',
            headers: {
              From: '<sip:alice@dragon.test>',
              To: '<sip:alice@dragon.test>',
              Contact: '<sip:alice@localhost>',
              Expires: '3600',
            },
            auth: { username: 'alice', password: 'wonderland' },
          },
          (err: Error | null, req: LooseSrf) => {
            if (err) return reject(err);
            req.on('response', (res: LooseSrf) => resolve(res.status));
          },
        );
      });
      expect(status).toBe(200);
      const r = await uas.done;
      expect(r.code, describeRun(r)).toBe(0);
    } finally {
      uas.kill();
    }
  });

  it('reports a BYE from the far end to the app', async () => {
    const uas = startSipp({
      scenario: 'uas-answer-then-bye.xml',
      port: ports.sipp(3),
      mediaPort: ports.media(3),
      transport,
    });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const dlg = await app.createUAC(uri(ports.sipp(3), transport), { localSdp: sdp('dragon-offer', 30014) });
      let destroyed = false;
      dlg.on('destroy', () => {
        destroyed = true;
      });
      await until(() => destroyed, 10_000, 'BYE from the far end');
      const r = await uas.done;
      expect(r.code, describeRun(r)).toBe(0);
    } finally {
      uas.kill();
    }
  });
});
