import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SipServer } from '../../src/server.js';
import type { LooseSrf } from '../drachtio/srf-app.js';
import { startApp, startServer } from './harness.js';
import { TcpUa } from './tcp-ua.js';
import { SDP, answer } from './udp-ua.js';

describe('SIP over TCP through the drachtio layer', () => {
  let server: SipServer;
  let tcpPort: number;
  let srf: LooseSrf;
  let ua: TcpUa;
  let dialog: Promise<LooseSrf>;

  beforeEach(async () => {
    const s = await startServer(50);
    server = s.server;
    tcpPort = s.tcpPort;
    ua = await TcpUa.open();
    srf = await startApp(server, (app) => {
      app.invite((req: LooseSrf, res: LooseSrf) => {
        dialog = app.createUAS(req, res, { localSdp: SDP });
      });
      app.register((req: LooseSrf, res: LooseSrf) => {
        res.send(200, { headers: { Contact: req.get('Contact'), Expires: '3600' } });
      });
    });
  });

  afterEach(async () => {
    srf.disconnect();
    ua.close();
    await server.stop();
  });

  it('answers an INVITE on the same connection with a ;transport=tcp Contact and sends the app BYE over it', async () => {
    await ua.dial(tcpPort);
    const lp = ua.localPort;
    ua.send(
      [
        `INVITE sip:1234@127.0.0.1:${tcpPort};transport=tcp SIP/2.0`,
        `Via: SIP/2.0/TCP 127.0.0.1:${lp};branch=z9hG4bK-tcp-1`,
        `From: <sip:alice@127.0.0.1:${lp}>;tag=tcp-a`,
        `To: <sip:1234@127.0.0.1:${tcpPort}>`,
        'Call-ID: tcp-call-1',
        'CSeq: 1 INVITE',
        `Contact: <sip:alice@127.0.0.1:${lp};transport=tcp>`,
        'Content-Type: application/sdp',
      ].join('\n'),
      SDP,
    );
    await ua.response(100, 'INVITE');
    const ok = await ua.response(200, 'INVITE');
    expect(ok.get('contact')).toBe(`<sip:127.0.0.1:${tcpPort};transport=tcp>`);
    const tag = /tag=(\w+)/.exec(ok.get('to') ?? '')?.[1];
    ua.send(
      [
        `ACK sip:127.0.0.1:${tcpPort};transport=tcp SIP/2.0`,
        `Via: SIP/2.0/TCP 127.0.0.1:${lp};branch=z9hG4bK-tcp-ack`,
        `From: <sip:alice@127.0.0.1:${lp}>;tag=tcp-a`,
        `To: <sip:1234@127.0.0.1:${tcpPort}>;tag=${tag}`,
        'Call-ID: tcp-call-1',
        'CSeq: 1 ACK',
      ].join('\n'),
    );
    const dlg = await dialog;
    dlg.destroy();
    const bye = await ua.request('BYE');
    expect(bye.get('via')).toMatch(/^SIP\/2.0\/TCP /);
    expect(ua.sockets).toHaveLength(1); // same connection, no new one
    ua.send(answer(bye, 200, 'OK', tag ?? ''));
  });

  it('places an app INVITE over TCP when the URI says ;transport=tcp', async () => {
    const p = srf.createUAC(`sip:bob@127.0.0.1:${ua.port};transport=tcp`, { localSdp: SDP });
    const inv = await ua.request('INVITE');
    expect(inv.get('via')).toMatch(new RegExp(`^SIP/2.0/TCP 127.0.0.1:${tcpPort};branch=z9hG4bK`));
    expect(inv.get('contact')).toBe(`<sip:127.0.0.1:${tcpPort};transport=tcp>`);
    ua.send(answer(inv, 200, 'OK', 'tb', [`Contact: <sip:bob@127.0.0.1:${ua.port};transport=tcp>`]), '');
    const dlg = await p;
    const ack = await ua.request('ACK');
    expect(ack.get('via')).toMatch(/^SIP\/2.0\/TCP /);
    dlg.destroy();
    const bye = await ua.request('BYE');
    ua.send(answer(bye, 200, 'OK', 'tb'));
  });

  it('reuses the connection a REGISTER came in on for later requests to that Contact (docs/drachtio-protocol.md, conformance 53)', async () => {
    await ua.dial(tcpPort);
    const lp = ua.localPort;
    ua.send(
      [
        `REGISTER sip:127.0.0.1:${tcpPort};transport=tcp SIP/2.0`,
        `Via: SIP/2.0/TCP 127.0.0.1:${lp};branch=z9hG4bK-reg-1`,
        '<sip:carol@example.com>;tag=r1'.replace(/^/, 'From: '),
        'To: <sip:carol@example.com>',
        'Call-ID: reg-tcp-1',
        'CSeq: 1 REGISTER',
        'Contact: <sip:carol@webrtc.invalid;transport=ws>;expires=3600',
      ].join('\n'),
    );
    await ua.response(200, 'REGISTER');
    const sent = srf.request('sip:carol@webrtc.invalid', {
      method: 'MESSAGE',
      headers: { 'Content-Type': 'text/plain' },
      body: 'hello over the registered flow',
    });
    const msg = await ua.request('MESSAGE');
    expect(msg.body.toString()).toBe('hello over the registered flow');
    expect(msg.uri).toBe('sip:carol@webrtc.invalid');
    expect(ua.sockets).toHaveLength(1);
    ua.send(answer(msg, 200, 'OK', 'c1'));
    const req = await sent;
    const status = await new Promise<number>((resolve) => req.on('response', (r: LooseSrf) => resolve(r.status)));
    expect(status).toBe(200);
  });
});
