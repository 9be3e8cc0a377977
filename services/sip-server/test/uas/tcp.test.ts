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
});
