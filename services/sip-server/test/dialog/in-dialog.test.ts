import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SipServer } from '../../src/server.js';
import type { SipMessage } from '../../src/sip/sip-message.js';
import type { LooseSrf } from '../drachtio/srf-app.js';
import { sleep, startApp, startServer } from '../uas/harness.js';
import { SDP, UdpUa, answer } from '../uas/udp-ua.js';

/** In-dialog traffic both ways on a dialog created by the app's createUAC (docs/drachtio-protocol.md, conformance 25, 32, 35, 37). */
describe('in-dialog requests', () => {
  let server: SipServer;
  let udpPort: number;
  let srf: LooseSrf;
  let ua: UdpUa;
  let dlg: LooseSrf;
  let inv: SipMessage;
  let seq = 100;

  /** A request from the UA inside the dialog (UA is the callee: From = its To). */
  const uaRequest = (method: string, extra: string[] = [], body = '') => {
    ua.send(
      [
        `${method} sip:127.0.0.1:${udpPort} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${ua.port};branch=z9hG4bK-${method}-${++seq};rport`,
        `From: ${inv.get('to')};tag=callee`,
        `To: ${inv.get('from')}`,
        `Call-ID: ${inv.get('call-id')}`,
        `CSeq: ${seq} ${method}`,
        `Contact: <sip:bob@127.0.0.1:${ua.port}>`,
        ...extra,
      ].join('\n'),
      udpPort,
      body,
    );
  };

  beforeEach(async () => {
    const s = await startServer(50);
    server = s.server;
    udpPort = s.udpPort;
    srf = await startApp(server);
    ua = await UdpUa.open();
    const p = srf.createUAC(`sip:bob@127.0.0.1:${ua.port}`, { localSdp: SDP });
    inv = await ua.request('INVITE');
    ua.send(
      answer(inv, 200, 'OK', 'callee', [
        `Contact: <sip:bob@127.0.0.1:${ua.port}>`,
        'Record-Route: <sip:127.0.0.1:1;lr>',
        'Content-Type: application/sdp',
      ]).replace('Record-Route: <sip:127.0.0.1:1;lr>\n', ''),
      udpPort,
      SDP,
    );
    dlg = await p;
    await ua.request('ACK');
  });

  afterEach(async () => {
    try {
      srf.disconnect();
    } catch {
      /* already disconnected by the test */
    }
    ua.close();
    await server.stop();
  });

  it('app re-INVITE goes to the remote target with CSeq+1 and Contact; app ACKs the 200', async () => {
    const modified = dlg.modify(SDP.replace('10000', '10002'));
    const re = await ua.request('INVITE');
    expect(re.uri).toBe(`sip:bob@127.0.0.1:${ua.port}`);
    expect(Number(re.get('cseq')?.split(' ')[0])).toBe(Number(inv.get('cseq')?.split(' ')[0]) + 1);
    expect(re.get('contact')).toBe(`<sip:127.0.0.1:${udpPort}>`);
    expect(re.get('to')).toContain('tag=callee');
    expect(re.body.toString()).toContain('10002');
    ua.send(answer(re, 200, 'OK', 'callee', [`Contact: <sip:bob@127.0.0.1:${ua.port}>`, 'Content-Type: application/sdp']), udpPort, SDP);
    await modified;
    const ack = await ua.request('ACK');
    expect(ack.get('cseq')).toBe(`${re.get('cseq')?.split(' ')[0]} ACK`);
  });

  it('peer re-INVITE gets 100 Trying, reaches the app and its 200 is retransmitted until the ACK', async () => {
    const modify = new Promise<string>((resolve) => {
      dlg.on('modify', (req: LooseSrf, res: LooseSrf) => {
        res.send(200, { body: SDP.replace('10000', '10004') });
        resolve(req.body);
      });
    });
    uaRequest('INVITE', ['Content-Type: application/sdp'], SDP.replace('10000', '10006'));
    await ua.response(100, 'INVITE');
    expect(await modify).toContain('10006');
    const ok = await ua.response(200, 'INVITE');
    expect(ok.get('contact')).toBe(`<sip:127.0.0.1:${udpPort}>`);
    expect(ok.get('content-type')).toBe('application/sdp');
    await ua.response(200, 'INVITE', 1000); // Timer G retransmission (T1 = 50 ms)
    uaRequest('ACK');
    await sleep(300);
    ua.received.length = 0;
    expect(await ua.nothing((m) => !m.isRequest && (m.get('cseq') ?? '').endsWith('INVITE'), 500)).toBe(true);
  });

  it('INFO both ways, REFER from the app with NOTIFY back', async () => {
    const gotInfo = new Promise<string>((resolve) => {
      dlg.on('info', (req: LooseSrf, res: LooseSrf) => {
        res.send(200);
        resolve(req.get('Content-Type'));
      });
    });
    uaRequest('INFO', ['Content-Type: application/dtmf-relay'], 'Signal=5\r\nDuration=160\r\n');
    expect(await gotInfo).toBe('application/dtmf-relay');
    await ua.response(200, 'INFO');

    const infoRes = dlg.request({ method: 'INFO', headers: { 'Content-Type': 'application/json' }, body: '{"a":1}' });
    const info = await ua.request('INFO');
    expect(info.body.toString()).toBe('{"a":1}');
    expect(info.has('contact')).toBe(false);
    ua.send(answer(info, 200, 'OK', 'callee'), udpPort);
    expect((await infoRes).status).toBe(200);

    const referRes = dlg.request({ method: 'REFER', headers: { 'Refer-To': '<sip:carol@example.com>' } });
    const refer = await ua.request('REFER');
    expect(refer.get('refer-to')).toBe('<sip:carol@example.com>');
    expect(refer.get('contact')).toBe(`<sip:127.0.0.1:${udpPort}>`);
    ua.send(answer(refer, 202, 'Accepted', 'callee'), udpPort);
    expect((await referRes).status).toBe(202);
    const notified = new Promise<string>((resolve) => {
      dlg.on('notify', (req: LooseSrf, res: LooseSrf) => {
        res.send(200);
        resolve(req.body);
      });
    });
    uaRequest('NOTIFY', ['Event: refer', 'Subscription-State: terminated;reason=noresource', 'Content-Type: message/sipfrag'], 'SIP/2.0 200 OK\r\n');
    expect(await notified).toContain('SIP/2.0 200 OK');
    await ua.response(200, 'NOTIFY');
  });

  it('a BYE from the peer ends the dialog; the app is told and later requests get 481', async () => {
    const destroyed = new Promise<void>((resolve) => dlg.on('destroy', () => resolve()));
    uaRequest('BYE');
    await ua.response(200, 'BYE');
    await destroyed;
    expect(server.stats().dialogs).toBe(0);
    uaRequest('INFO');
    await ua.response(481, 'INFO');
  });

  it('in-dialog requests get 481 once the owning app has disconnected', async () => {
    srf.disconnect();
    await sleep(100);
    uaRequest('BYE');
    await ua.response(481, 'BYE');
    expect(server.stats().dialogs).toBe(0);
  });

  it('refuses an in-dialog re-INVITE whose Session-Expires is below Min-SE with 422 (RFC 4028 §8.1)', async () => {
    uaRequest('INVITE', ['Session-Expires: 30', 'Supported: timer']);
    const r = await ua.response(422, 'INVITE');
    expect(r.get('min-se')).toBe('90');
  });

  it('CANCELs the app re-INVITE still in progress before sending the app BYE', async () => {
    dlg.modify(SDP.replace('10000', '10030')).catch(() => {});
    const re = await ua.request('INVITE');
    ua.send(answer(re, 180, 'Ringing', 'callee'), udpPort);
    await sleep(100);
    dlg.destroy().catch(() => {});
    const cancel = await ua.request('CANCEL');
    expect(cancel.get('cseq')).toBe(`${re.get('cseq')?.split(' ')[0]} CANCEL`);
    const bye = await ua.request('BYE');
    ua.send(answer(cancel, 200, 'OK', 'callee'), udpPort);
    ua.send(answer(re, 487, 'Request Terminated', 'callee'), udpPort);
    ua.send(answer(bye, 200, 'OK', 'callee'), udpPort);
    for (let i = 0; i < 50 && server.stats().dialogs > 0; i++) await sleep(20);
    expect(server.stats().dialogs).toBe(0);
  });

  it('answers 491 to a peer re-INVITE that crosses the app re-INVITE (glare)', async () => {
    dlg.modify(SDP.replace('10000', '10040')).catch(() => {});
    const re = await ua.request('INVITE');
    uaRequest('INVITE', ['Content-Type: application/sdp'], SDP);
    await ua.response(491, 'INVITE');
    ua.send(answer(re, 200, 'OK', 'callee', [`Contact: <sip:bob@127.0.0.1:${ua.port}>`, 'Content-Type: application/sdp']), udpPort, SDP);
    await ua.request('ACK');
  });
});
