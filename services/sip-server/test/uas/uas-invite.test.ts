import { afterEach, describe, expect, it } from 'vitest';
import type { SipServer } from '../../src/server.js';
import type { LooseSrf } from '../drachtio/srf-app.js';
import { SDP, UdpUa } from './udp-ua.js';
import { sleep, startApp, startServer } from './harness.js';

let seq = 0;
function invite(ua: UdpUa, port: number, callId: string, extra: string[] = []): string {
  const branch = `z9hG4bK-${callId}-${++seq}`;
  ua.send(
    [
      `INVITE sip:1234@127.0.0.1:${port} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${ua.port};branch=${branch};rport`,
      `From: "Alice" <sip:alice@127.0.0.1:${ua.port}>;tag=a-${callId}`,
      `To: <sip:1234@127.0.0.1:${port}>`,
      `Call-ID: ${callId}`,
      'CSeq: 1 INVITE',
      `Contact: <sip:alice@127.0.0.1:${ua.port}>`,
      'Max-Forwards: 70',
      'Content-Type: application/sdp',
      ...extra,
    ].join('\n'),
    port,
    SDP,
  );
  return branch;
}

function inDialog(ua: UdpUa, port: number, method: string, callId: string, toTag: string, cseq: number): void {
  ua.send(
    [
      `${method} sip:127.0.0.1:${port} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${ua.port};branch=z9hG4bK-${method}-${++seq}`,
      `From: "Alice" <sip:alice@127.0.0.1:${ua.port}>;tag=a-${callId}`,
      `To: <sip:1234@127.0.0.1:${port}>;tag=${toTag}`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} ${method}`,
      'Max-Forwards: 70',
    ].join('\n'),
    port,
  );
}

describe('incoming INVITE handled by a drachtio-srf app (UAS)', () => {
  let server: SipServer;
  let srf: LooseSrf | undefined;
  let ua: UdpUa | undefined;

  afterEach(async () => {
    srf?.disconnect();
    ua?.close();
    srf = undefined;
    ua = undefined;
    await server.stop();
  });

  it('answers 503 when no application routed INVITE, after 100 Trying', async () => {
    const s = await startServer();
    server = s.server;
    ua = await UdpUa.open();
    invite(ua, s.udpPort, 'no-app-1');
    await ua.response(100);
    const r = await ua.response(503);
    expect(r.get('to')).toMatch(/;tag=/);
  });

  it('delivers the INVITE, sends the app 200 with To-tag/Contact/Content-Type, delivers ACK and BYE to the dialog', async () => {
    const s = await startServer();
    server = s.server;
    const events: string[] = [];
    let dialogId = '';
    const destroyed = new Promise<void>((resolve) => {
      const p = startApp(server, (app) => {
        app.invite(async (req: LooseSrf, res: LooseSrf) => {
          events.push(`invite:${req.source}:${req.protocol}:${req.source_address}`);
          const dlg = await app.createUAS(req, res, { localSdp: SDP.replace('10000', '20000') });
          dialogId = dlg.id;
          dlg.on('ack', () => events.push('ack'));
          dlg.on('destroy', () => {
            events.push('destroy');
            resolve();
          });
        });
      });
      p.then((a) => {
        srf = a;
      });
    });
    await sleep(100);
    ua = await UdpUa.open();
    invite(ua, s.udpPort, 'uas-ok-1');
    await ua.response(100);
    const ok = await ua.response(200, 'INVITE');
    const toTag = /;tag=([^;]+)/.exec(ok.get('to') ?? '')?.[1] ?? '';
    expect(toTag).not.toBe('');
    expect(ok.get('contact')).toBe(`<sip:127.0.0.1:${s.udpPort}>`);
    expect(ok.get('content-type')).toBe('application/sdp');
    expect(ok.body.toString()).toContain('m=audio 20000');
    expect(ok.get('via')).toContain(`rport=${ua.port}`);
    ua.send(
      [
        `ACK sip:127.0.0.1:${s.udpPort} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${ua.port};branch=z9hG4bK-ack-${++seq}`,
        `From: "Alice" <sip:alice@127.0.0.1:${ua.port}>;tag=a-uas-ok-1`,
        `To: <sip:1234@127.0.0.1:${s.udpPort}>;tag=${toTag}`,
        'Call-ID: uas-ok-1',
        'CSeq: 1 ACK',
        'Max-Forwards: 70',
      ].join('\n'),
      s.udpPort,
    );
    await sleep(100);
    expect(events).toEqual([`invite:network:udp:127.0.0.1`, 'ack']);
    expect(dialogId).toBe('uas-ok-1;from-tag=a-uas-ok-1');
    // No 2xx retransmission after the ACK.
    expect(await ua.nothing((m) => !m.isRequest && m.get('cseq') === '1 INVITE', 700)).toBe(true);
    inDialog(ua, s.udpPort, 'BYE', 'uas-ok-1', toTag, 2);
    await ua.response(200, 'BYE');
    await destroyed;
    expect(server.stats().dialogs).toBe(0);
    // The dialog is gone: a second BYE gets 481.
    inDialog(ua, s.udpPort, 'BYE', 'uas-ok-1', toTag, 3);
    await ua.response(481, 'BYE');
  });

  it('answers 200+487 itself when CANCEL arrives before the app answered, and the app sees the cancel', async () => {
    const s = await startServer();
    server = s.server;
    let cancelled = false;
    let lateResult: unknown;
    srf = await startApp(server, (app) => {
      app.invite((req: LooseSrf, res: LooseSrf) => {
        req.on('cancel', () => {
          cancelled = true;
          res.send(486, (err: unknown) => {
            lateResult = err;
          });
        });
      });
    });
    ua = await UdpUa.open();
    const branch = invite(ua, s.udpPort, 'cancel-1');
    await ua.response(100);
    await sleep(100);
    ua.send(
      [
        `CANCEL sip:1234@127.0.0.1:${s.udpPort} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${ua.port};branch=${branch};rport`,
        `From: "Alice" <sip:alice@127.0.0.1:${ua.port}>;tag=a-cancel-1`,
        `To: <sip:1234@127.0.0.1:${s.udpPort}>`,
        'Call-ID: cancel-1',
        'CSeq: 1 CANCEL',
        'Max-Forwards: 70',
      ].join('\n'),
      s.udpPort,
    );
    await ua.response(200, 'CANCEL');
    await ua.response(487, 'INVITE');
    await sleep(200);
    expect(cancelled).toBe(true);
    // The app's late 486 is refused with NOK and never reaches the wire.
    expect(String(lateResult)).toMatch(/unknown transaction/);
    expect(await ua.nothing((m) => !m.isRequest && (m as { status?: number }).status === 486, 300)).toBe(true);
  });

  it('answers 481 to an unmatched CANCEL and to a BYE outside any dialog', async () => {
    const s = await startServer();
    server = s.server;
    ua = await UdpUa.open();
    ua.send(
      [
        `CANCEL sip:1234@127.0.0.1:${s.udpPort} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${ua.port};branch=z9hG4bK-nomatch;rport`,
        `From: <sip:alice@127.0.0.1>;tag=x`,
        `To: <sip:1234@127.0.0.1>`,
        'Call-ID: nomatch',
        'CSeq: 1 CANCEL',
      ].join('\n'),
      s.udpPort,
    );
    await ua.response(481, 'CANCEL');
    inDialog(ua, s.udpPort, 'BYE', 'nodialog', 'zzz', 5);
    await ua.response(481, 'BYE');
  });

  it('sends BYE with Reason "ACK timeout" and tells the app (unsolicited) when no ACK arrives', async () => {
    const s = await startServer(40); // 64×T1 = 2.56 s
    server = s.server;
    let reason = '';
    const destroyed = new Promise<void>((resolve) => {
      startApp(server, (app) => {
        app.invite(async (req: LooseSrf, res: LooseSrf) => {
          const dlg = await app.createUAS(req, res, { localSdp: SDP });
          dlg.on('destroy', (_bye: unknown, r: string) => {
            reason = r;
            resolve();
          });
        });
      }).then((a) => {
        srf = a;
      });
    });
    await sleep(100);
    ua = await UdpUa.open();
    invite(ua, s.udpPort, 'ack-timeout-1');
    await ua.response(200, 'INVITE');
    // Retransmitted (Timer G) while the ACK is missing.
    await ua.response(200, 'INVITE', 1000);
    const bye = await ua.request('BYE', 5000);
    expect(bye.get('reason')).toBe('SIP ;cause=200 ;text="ACK timeout"');
    expect(bye.uri).toBe(`sip:alice@127.0.0.1:${ua.port}`);
    await destroyed;
    expect(reason).toBe('ACK timeout');
    expect(server.stats().dialogs).toBe(0);
  });

  it('does not deliver a retransmitted INVITE twice, and absorbs the ACK of a non-2xx final (docs/drachtio-protocol.md, conformance 15, 21)', async () => {
    const s = await startServer(50);
    server = s.server;
    const frames: string[] = [];
    srf = await startApp(server, (app) => {
      app.invite((req: LooseSrf, res: LooseSrf) => {
        frames.push(req.method);
        setTimeout(() => res.send(486), 200);
      });
      app.use((req: LooseSrf) => frames.push(req.method));
    });
    ua = await UdpUa.open();
    const text = (m: string) => [
      `${m} sip:1234@127.0.0.1:${s.udpPort} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${ua?.port};branch=z9hG4bK-retrans-1`,
      `From: <sip:alice@127.0.0.1>;tag=rt`,
      `To: <sip:1234@127.0.0.1>${m === 'ACK' ? ';tag=TOTAG' : ''}`,
      'Call-ID: retrans-1',
      `CSeq: 1 ${m}`,
    ].join('\n');
    ua.send(text('INVITE'), s.udpPort);
    ua.send(text('INVITE'), s.udpPort);
    const busy = await ua.response(486, 'INVITE');
    await ua.response(486, 'INVITE', 1000); // retransmitted until ACK
    const tag = /tag=(\w+)/.exec(busy.get('to') ?? '')?.[1] ?? '';
    ua.send(text('ACK').replace('TOTAG', tag), s.udpPort);
    await sleep(300);
    expect(frames).toEqual(['INVITE']);
  });

  it('delivers a CANCEL after a provisional with the INVITE txnId and the dialogId (docs/drachtio-protocol.md, conformance 23)', async () => {
    const s = await startServer();
    server = s.server;
    const { RawAdminClient } = await import('../drachtio/raw-admin-client.js');
    const app = await RawAdminClient.open(server.adminPort);
    try {
      await app.authenticate();
      await app.reply(app.send('route|invite'));
      ua = await UdpUa.open();
      const branch = invite(ua, s.udpPort, 'cancel-2');
      const f = await app.next((x) => x.tokens[1] === 'sip');
      const txnId = f.tokens[8];
      const ringing = ['SIP/2.0 180 Ringing', 'Call-ID: cancel-2', 'CSeq: 1 INVITE', 'Content-Length: 0', '', ''].join('\r\n');
      await app.reply(app.send(`sip|${txnId}|`, ringing));
      await ua.response(180, 'INVITE');
      ua.send(
        [
          `CANCEL sip:1234@127.0.0.1:${s.udpPort} SIP/2.0`,
          `Via: SIP/2.0/UDP 127.0.0.1:${ua.port};branch=${branch};rport`,
          `From: "Alice" <sip:alice@127.0.0.1:${ua.port}>;tag=a-cancel-2`,
          `To: <sip:1234@127.0.0.1:${s.udpPort}>`,
          'Call-ID: cancel-2',
          'CSeq: 1 CANCEL',
        ].join('\n'),
        s.udpPort,
      );
      await ua.response(200, 'CANCEL');
      const r487 = await ua.response(487, 'INVITE');
      expect(r487.get('to')).toMatch(/;tag=/);
      const c = await app.next((x) => x.tokens[1] === 'sip');
      expect(c.sip?.startsWith('CANCEL ')).toBe(true);
      expect(c.tokens[8]).toBe(txnId);
      expect(c.tokens[9]).toBe('cancel-2;from-tag=a-cancel-2');
      // The app's later 487 is refused: the server already answered.
      const late = ['SIP/2.0 487 Request Terminated', 'Call-ID: cancel-2', 'CSeq: 1 INVITE', '', ''].join('\r\n');
      expect((await app.reply(app.send(`sip|${txnId}|`, late))).tokens[3]).toBe('NOK');
    } finally {
      app.close();
    }
  });

  it('forgets a request the app never answers after 128×T1 and releases its transaction', async () => {
    const s = await startServer(20); // 2.56 s
    server = s.server;
    srf = await startApp(server, (app) => {
      app.invite(() => {
        /* never answers */
      });
    });
    ua = await UdpUa.open();
    invite(ua, s.udpPort, 'unanswered-1');
    await ua.response(100);
    await sleep(300);
    expect(server.stats().transactions).toBe(1);
    await sleep(2600);
    expect(server.stats().transactions).toBe(0);
    expect(server.stats().stackTransactions).toBe(0);
  });
});
