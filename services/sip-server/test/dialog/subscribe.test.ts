import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SipServer } from '../../src/server.js';
import type { LooseSrf } from '../drachtio/srf-app.js';
import { sleep, startApp, startServer } from '../uas/harness.js';
import { UdpUa, answer } from '../uas/udp-ua.js';

/** SUBSCRIBE dialogs both ways end with the terminating NOTIFY (RFC 6665 §4.1.3, docs/drachtio-protocol.md §4.7). */
describe('SUBSCRIBE / NOTIFY dialogs', () => {
  let server: SipServer;
  let port: number;
  let srf: LooseSrf;
  let ua: UdpUa;
  let uasDialog: Promise<LooseSrf>;

  beforeEach(async () => {
    const s = await startServer(50);
    server = s.server;
    port = s.udpPort;
    ua = await UdpUa.open();
    srf = await startApp(server, (app) => {
      app.subscribe((req: LooseSrf, res: LooseSrf) => {
        uasDialog = app.createUAS(req, res, { headers: { Expires: '3600' } });
      });
    });
  });

  afterEach(async () => {
    srf.disconnect();
    ua.close();
    await server.stop();
  });

  it('an incoming SUBSCRIBE gets 202 with Contact; the app NOTIFY terminated ends the dialog', async () => {
    ua.send(
      [
        `SUBSCRIBE sip:presence@127.0.0.1:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${ua.port};branch=z9hG4bK-sub-1;rport`,
        `From: <sip:watcher@127.0.0.1:${ua.port}>;tag=w1`,
        `To: <sip:presence@127.0.0.1:${port}>`,
        'Call-ID: sub-1',
        'CSeq: 1 SUBSCRIBE',
        `Contact: <sip:watcher@127.0.0.1:${ua.port}>`,
        'Event: presence',
        'Expires: 3600',
      ].join('\n'),
      port,
    );
    const accepted = await ua.response(202, 'SUBSCRIBE');
    expect(accepted.get('contact')).toBe(`<sip:127.0.0.1:${port}>`);
    const dlg = await uasDialog;
    expect(dlg.id).toBe('sub-1;from-tag=w1');
    expect(server.stats().dialogs).toBe(1);
    dlg.destroy();
    const notify = await ua.request('NOTIFY');
    expect(notify.get('subscription-state')).toMatch(/^terminated/);
    ua.send(answer(notify, 200, 'OK', 'w1'), port);
    for (let i = 0; i < 50 && server.stats().dialogs > 0; i++) await sleep(20);
    expect(server.stats().dialogs).toBe(0);
  });

  it('an app SUBSCRIBE creates the dialog on 202; the peer NOTIFY terminated ends it', async () => {
    const p = srf.createUAC(`sip:presentity@127.0.0.1:${ua.port}`, {
      method: 'SUBSCRIBE',
      headers: { Event: 'presence', Expires: '600' },
    });
    const sub = await ua.request('SUBSCRIBE');
    expect(sub.get('contact')).toBe(`<sip:127.0.0.1:${port}>`);
    ua.send(answer(sub, 202, 'Accepted', 'p1', [`Contact: <sip:presentity@127.0.0.1:${ua.port}>`, 'Expires: 600']), port);
    const dlg = await p;
    const notified = new Promise<void>((resolve) => dlg.on('notify', (_r: LooseSrf, res: LooseSrf) => {
      res.send(200);
      resolve();
    }));
    ua.send(
      [
        `NOTIFY sip:127.0.0.1:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${ua.port};branch=z9hG4bK-not-1;rport`,
        `From: <sip:presentity@127.0.0.1:${ua.port}>;tag=p1`,
        `To: ${sub.get('from')}`,
        `Call-ID: ${sub.get('call-id')}`,
        'CSeq: 1 NOTIFY',
        `Contact: <sip:presentity@127.0.0.1:${ua.port}>`,
        'Event: presence',
        'Subscription-State: terminated;reason=noresource',
      ].join('\n'),
      port,
    );
    await notified;
    await ua.response(200, 'NOTIFY');
    expect(server.stats().dialogs).toBe(0);
  });
});
