import { afterEach, describe, expect, it } from 'vitest';
import { SipServer } from '../../src/server.js';
import type { LooseSrf } from '../drachtio/srf-app.js';
import { startApp } from './harness.js';
import { SDP, UdpUa } from './udp-ua.js';

describe('drachtio layer over IPv6', () => {
  let server: SipServer;
  let srf: LooseSrf;
  let ua: UdpUa;

  afterEach(async () => {
    srf?.disconnect();
    ua?.close();
    await server.stop();
  });

  it('announces bracketed hostports and answers with an IPv6 Contact', async () => {
    server = new SipServer({ admin: { address: '127.0.0.1', port: 0 }, contacts: [{ protocol: 'udp', host: '::1', port: 0 }] });
    await server.start();
    const port = server.sipContacts()[0]?.port ?? 0;
    let hostports = '';
    let source = '';
    srf = await startApp(server, (app) => {
      app.on('connect', (_e: unknown, hp: string) => {
        hostports = hp;
      });
      app.invite((req: LooseSrf, res: LooseSrf) => {
        source = req.source_address;
        app.createUAS(req, res, { localSdp: SDP }).catch(() => {});
      });
    });
    expect(hostports).toBe(`udp/[::1]:${port}`);
    ua = await UdpUa.open('::1');
    ua.send(
      [
        `INVITE sip:v6@[::1]:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP [::1]:${ua.port};branch=z9hG4bK-v6-1;rport`,
        `From: <sip:a@[::1]:${ua.port}>;tag=v6`,
        `To: <sip:v6@[::1]:${port}>`,
        'Call-ID: v6-call-1',
        'CSeq: 1 INVITE',
        `Contact: <sip:a@[::1]:${ua.port}>`,
        'Content-Type: application/sdp',
      ].join('\n'),
      port,
      SDP,
    );
    const ok = await ua.response(200, 'INVITE');
    expect(ok.get('contact')).toBe(`<sip:[::1]:${port}>`);
    expect(source).toBe('::1');
  });
});
