import { afterEach, describe, expect, it } from 'vitest';
import { SipServer } from '../../src/server.js';
import type { SipRequest } from '../../src/sip/sip-request.js';
import type { LooseSrf } from '../drachtio/srf-app.js';
import { sleep, startApp } from '../uas/harness.js';
import { SDP, UdpUa, answer } from '../uas/udp-ua.js';

/** Reliable provisionals (RFC 3262), UPDATE (RFC 3311) and session timers (RFC 4028): docs/drachtio-protocol.md, conformance 43–46. */
describe('PRACK, UPDATE and session timers', () => {
  let server: SipServer;
  let port: number;
  let srf: LooseSrf | undefined;
  let ua: UdpUa;
  let n = 0;

  const start = async (setup: (srf: LooseSrf) => void = () => {}) => {
    server = new SipServer({
      admin: { address: '127.0.0.1', port: 0 },
      contacts: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }],
      timers: { t1: 50, t2: 400, t4: 5000 },
      minSE: 1,
    });
    await server.start();
    port = server.sipContacts()[0]?.port ?? 0;
    srf = await startApp(server, setup);
    ua = await UdpUa.open();
  };

  afterEach(async () => {
    srf?.disconnect();
    ua.close();
    await server.stop();
  });

  const invite = (cid: string, extra: string[]) =>
    ua.send(
      [
        `INVITE sip:svc@127.0.0.1:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${ua.port};branch=z9hG4bK-${cid};rport`,
        `From: <sip:alice@127.0.0.1:${ua.port}>;tag=f-${cid}`,
        `To: <sip:svc@127.0.0.1:${port}>`,
        `Call-ID: ${cid}`,
        'CSeq: 1 INVITE',
        `Contact: <sip:alice@127.0.0.1:${ua.port}>`,
        'Content-Type: application/sdp',
        ...extra,
      ].join('\n'),
      port,
      SDP,
    );
  const inDialog = (method: string, cid: string, toTag: string, cseq: number, extra: string[] = [], body = '') =>
    ua.send(
      [
        `${method} sip:127.0.0.1:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${ua.port};branch=z9hG4bK-${method}-${cid}-${cseq};rport`,
        `From: <sip:alice@127.0.0.1:${ua.port}>;tag=f-${cid}`,
        `To: <sip:svc@127.0.0.1:${port}>;tag=${toTag}`,
        `Call-ID: ${cid}`,
        `CSeq: ${cseq} ${method}`,
        ...extra,
      ].join('\n'),
      port,
      body,
    );

  it('sends an app 1xx with Require: 100rel reliably (RSeq, retransmitted until PRACK) and delivers the PRACK', async () => {
    let prackSeen = false;
    await start((app) => {
      app.invite((req: LooseSrf, res: LooseSrf) => {
        res.send(183, { headers: { Require: '100rel', 'Content-Type': 'application/sdp' }, body: SDP });
        app.prack((_r: LooseSrf, rs: LooseSrf) => {
          prackSeen = true;
          rs.send(200);
        });
        setTimeout(() => res.send(200, { body: SDP }), 600);
        req.on('cancel', () => {});
      });
    });
    const cid = `rel-${++n}`;
    invite(cid, ['Supported: 100rel, timer']);
    const p1 = await ua.response(183, 'INVITE');
    expect(p1.get('require')).toBe('100rel');
    const rseq = p1.get('rseq');
    expect(rseq).toMatch(/^\d+$/);
    await ua.response(183, 'INVITE', 500); // retransmitted (T1 = 50 ms)
    const toTag = /tag=(\w+)/.exec(p1.get('to') ?? '')?.[1] ?? '';
    inDialog('PRACK', cid, toTag, 2, [`RAck: ${rseq} 1 INVITE`]);
    await ua.response(200, 'PRACK');
    await sleep(200);
    ua.received.length = 0;
    expect(await ua.nothing((m) => !m.isRequest && m.get('cseq') === '1 INVITE' && m.get('rseq') !== undefined, 250)).toBe(true);
    const ok = await ua.response(200, 'INVITE');
    expect(/tag=(\w+)/.exec(ok.get('to') ?? '')?.[1]).toBe(toTag);
    expect(prackSeen).toBe(true);
    inDialog('ACK', cid, toTag, 1);
  });

  it('refuses a reliable 1xx when the INVITE did not offer 100rel', async () => {
    let err: unknown;
    await start((app) => {
      app.invite((_req: LooseSrf, res: LooseSrf) => {
        res.send(183, { headers: { Require: '100rel' } }, (e: unknown) => {
          err = e;
          res.send(480);
        });
      });
    });
    invite(`norel-${++n}`, []);
    await ua.response(480, 'INVITE');
    expect(String(err)).toContain('Remote endpoint does not support 100rel');
  });

  it('creates the early dialog on a reliable 1xx from the callee so the app PRACKs it (UAC)', async () => {
    await start();
    const p = srf.createUAC(`sip:bob@127.0.0.1:${ua.port}`, { localSdp: SDP });
    const inv: SipRequest = await ua.request('INVITE');
    ua.send(
      answer(inv, 183, 'Session Progress', 'cal', ['Require: 100rel', 'RSeq: 77', `Contact: <sip:bob@127.0.0.1:${ua.port}>`]),
      port,
    );
    const prack = await ua.request('PRACK');
    const invSeq = Number(inv.get('cseq')?.split(' ')[0]);
    expect(prack.get('rack')).toBe(`77 ${invSeq} INVITE`);
    expect(Number(prack.get('cseq')?.split(' ')[0])).toBe(invSeq + 1);
    expect(prack.get('to')).toContain('tag=cal');
    ua.send(answer(prack, 200, 'OK', 'cal'), port);
    ua.send(answer(inv, 200, 'OK', 'cal', [`Contact: <sip:bob@127.0.0.1:${ua.port}>`]), port);
    const dlg = await p;
    const ack = await ua.request('ACK');
    expect(ack.get('cseq')).toBe(`${invSeq} ACK`);
    dlg.destroy();
    const bye = await ua.request('BYE');
    expect(Number(bye.get('cseq')?.split(' ')[0])).toBe(invSeq + 2);
    ua.send(answer(bye, 200, 'OK', 'cal'), port);
  });

  it('delivers an UPDATE that arrives while the INVITE is in progress and returns the app answer with SDP', async () => {
    await start((app) => {
      app.invite((req: LooseSrf, res: LooseSrf) => {
        res.send(180);
        req.on('update', (_u: LooseSrf, ur: LooseSrf) => {
          ur.send(200, { body: SDP.replace('10000', '10010') });
          setTimeout(() => res.send(486), 100);
        });
      });
    });
    const cid = `upd-${++n}`;
    invite(cid, []);
    const ringing = await ua.response(180, 'INVITE');
    const toTag = /tag=(\w+)/.exec(ringing.get('to') ?? '')?.[1] ?? '';
    inDialog('UPDATE', cid, toTag, 2, [`Contact: <sip:alice@127.0.0.1:${ua.port}>`, 'Content-Type: application/sdp'], SDP);
    const ok = await ua.response(200, 'UPDATE');
    expect(ok.body.toString()).toContain('10010');
    await ua.response(486, 'INVITE');
  });

  it('delivers an UPDATE from the callee while the app INVITE is in progress (UAC)', async () => {
    await start();
    const p = srf.createUAC(`sip:bob@127.0.0.1:${ua.port}`, { localSdp: SDP });
    const inv: SipRequest = await ua.request('INVITE');
    ua.send(answer(inv, 180, 'Ringing', 'cu', [`Contact: <sip:bob@127.0.0.1:${ua.port}>`]), port);
    ua.send(
      [
        `UPDATE sip:127.0.0.1:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${ua.port};branch=z9hG4bK-uacupd-${++n};rport`,
        `From: ${inv.get('to')};tag=cu`,
        `To: ${inv.get('from')}`,
        `Call-ID: ${inv.get('call-id')}`,
        `CSeq: 1 UPDATE`,
        `Contact: <sip:bob@127.0.0.1:${ua.port}>`,
        'Content-Type: application/sdp',
      ].join('\n'),
      port,
      SDP,
    );
    const updOk = await ua.response(200, 'UPDATE');
    expect(updOk.body.toString()).toContain('m=audio');
    ua.send(answer(inv, 200, 'OK', 'cu', [`Contact: <sip:bob@127.0.0.1:${ua.port}>`]), port);
    const dlg = await p;
    await ua.request('ACK');
    dlg.destroy();
    const bye = await ua.request('BYE');
    ua.send(answer(bye, 200, 'OK', 'cu'), port);
  });

  it('tears the call down with BYE "Session timer expired" when the refreshing caller goes quiet', async () => {
    let reason = '';
    const destroyed = new Promise<void>((resolve) =>
      start((app) => {
        app.invite(async (req: LooseSrf, res: LooseSrf) => {
          const dlg = await app.createUAS(req, res, { localSdp: SDP });
          dlg.on('destroy', (_b: unknown, r: string) => {
            reason = r;
            resolve();
          });
        });
      }),
    );
    await sleep(150);
    const cid = `st-${++n}`;
    invite(cid, ['Supported: timer', 'Session-Expires: 3;refresher=uac']);
    const ok = await ua.response(200, 'INVITE');
    expect(ok.get('session-expires')).toBe('3;refresher=uac');
    const toTag = /tag=(\w+)/.exec(ok.get('to') ?? '')?.[1] ?? '';
    inDialog('ACK', cid, toTag, 1);
    const bye = await ua.request('BYE', 4000);
    expect(bye.get('reason')).toContain('Session timer expired');
    ua.send(answer(bye, 200, 'OK', toTag), port);
    await destroyed;
    expect(reason).toBe('Session timer expired');
  });

  it('refreshes the session itself with a re-INVITE when it is the refresher', async () => {
    await start((app) => {
      app.invite((req: LooseSrf, res: LooseSrf) => app.createUAS(req, res, { localSdp: SDP.replace('10000', '10020') }));
    });
    const cid = `st2-${++n}`;
    invite(cid, ['Supported: timer', 'Session-Expires: 2;refresher=uas']);
    const ok = await ua.response(200, 'INVITE');
    const toTag = /tag=(\w+)/.exec(ok.get('to') ?? '')?.[1] ?? '';
    inDialog('ACK', cid, toTag, 1);
    const re = await ua.request('INVITE', 3000);
    expect(re.body.toString()).toContain('10020');
    expect(re.get('session-expires')).toBe('2;refresher=uac');
    ua.send(answer(re, 200, 'OK', toTag, [`Contact: <sip:alice@127.0.0.1:${ua.port}>`, 'Session-Expires: 2;refresher=uac']), port);
    const ack = await ua.request('ACK');
    expect(ack.get('cseq')).toBe(`${re.get('cseq')?.split(' ')[0]} ACK`);
  });

  it('runs the session timer of an app INVITE: refreshes when we are the refresher, BYEs when the callee is and goes quiet', async () => {
    await start();
    const headers = { 'Session-Expires': '2;refresher=uac', Supported: 'timer' };
    const p1 = srf.createUAC(`sip:bob@127.0.0.1:${ua.port}`, { localSdp: SDP, headers });
    const inv1: SipRequest = await ua.request('INVITE');
    expect(inv1.get('session-expires')).toBe('2;refresher=uac');
    ua.send(answer(inv1, 200, 'OK', 's1', [`Contact: <sip:bob@127.0.0.1:${ua.port}>`, 'Session-Expires: 2;refresher=uac', 'Require: timer']), port);
    await p1;
    await ua.request('ACK');
    const refresh = await ua.request('INVITE', 3000);
    expect(refresh.get('to')).toContain('tag=s1');
    expect(refresh.body.toString()).toBe(SDP);
    ua.send(answer(refresh, 200, 'OK', 's1', [`Contact: <sip:bob@127.0.0.1:${ua.port}>`, 'Session-Expires: 2;refresher=uac']), port);
    await ua.request('ACK');

    let reason = '';
    const p2 = srf.createUAC(`sip:carol@127.0.0.1:${ua.port}`, { localSdp: SDP, headers });
    const inv2: SipRequest = await ua.request('INVITE');
    ua.send(answer(inv2, 200, 'OK', 's2', [`Contact: <sip:carol@127.0.0.1:${ua.port}>`, 'Session-Expires: 2;refresher=uas']), port);
    const dlg2 = await p2;
    const destroyed = new Promise<void>((resolve) =>
      dlg2.on('destroy', (_b: unknown, r: string) => {
        reason = r;
        resolve();
      }),
    );
    await ua.request('ACK');
    const bye = await ua.next<SipRequest>((m) => m.isRequest && (m as SipRequest).method === 'BYE' && (m.get('to') ?? '').includes('s2'), 3000);
    expect(bye.get('reason')).toContain('Session timer expired');
    ua.send(answer(bye, 200, 'OK', 's2'), port);
    await destroyed;
    expect(reason).toBe('Session timer expired');
  });
  it('refreshes a late-offer app INVITE with the answer the app sent in its ACK (RFC 3264 §4)', async () => {
    await start();
    const ANSWER = SDP.replace('m=audio 10000', 'm=audio 12000');
    const headers = { 'Session-Expires': '2;refresher=uac', Supported: 'timer' };
    const p = srf.createUAC(`sip:bob@127.0.0.1:${ua.port}`, { noAck: true, headers });
    const inv: SipRequest = await ua.request('INVITE');
    expect(inv.body.length).toBe(0);
    ua.send(
      answer(inv, 200, 'OK', 'l1', [`Contact: <sip:bob@127.0.0.1:${ua.port}>`, 'Session-Expires: 2;refresher=uac', 'Content-Type: application/sdp']),
      port,
      SDP,
    );
    const offered = await p;
    expect(offered.sdp).toBe(SDP);
    await offered.ack(ANSWER);
    const ack = await ua.request('ACK');
    expect(ack.body.toString()).toBe(ANSWER);
    const refresh = await ua.request('INVITE', 3000);
    expect(refresh.get('to')).toContain('tag=l1');
    expect(refresh.body.toString()).toBe(ANSWER);
    ua.send(answer(refresh, 200, 'OK', 'l1', [`Contact: <sip:bob@127.0.0.1:${ua.port}>`, 'Session-Expires: 2;refresher=uac']), port);
    await ua.request('ACK');
  });
});
