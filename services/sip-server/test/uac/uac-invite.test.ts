import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SipServer } from '../../src/server.js';
import type { SipRequest } from '../../src/sip/sip-request.js';
import type { LooseSrf } from '../drachtio/srf-app.js';
import { RawAdminClient } from '../drachtio/raw-admin-client.js';
import { sleep, startApp, startServer } from '../uas/harness.js';
import { SDP, UdpUa, answer } from '../uas/udp-ua.js';

describe('requests sent by a drachtio-srf app (UAC)', () => {
  let server: SipServer;
  let udpPort: number;
  let srf: LooseSrf;
  let ua: UdpUa;

  beforeEach(async () => {
    const s = await startServer(50);
    server = s.server;
    udpPort = s.udpPort;
    srf = await startApp(server);
    ua = await UdpUa.open();
  });

  afterEach(async () => {
    srf.disconnect();
    ua.close();
    await server.stop();
  });

  it('places an INVITE with all headers filled, delivers 180/200, ACKs, and BYEs from the app', async () => {
    const provisional: number[] = [];
    const p = srf.createUAC(
      `sip:bob@127.0.0.1:${ua.port}`,
      { localSdp: SDP, headers: { From: '<sip:+15551000@localhost>', Subject: 'test call', 'X-Custom': 'abc' } },
      { cbProvisional: (res: LooseSrf) => provisional.push(res.status) },
    );
    const inv = await ua.request('INVITE');
    expect(inv.uri).toBe(`sip:bob@127.0.0.1:${ua.port}`);
    expect(inv.get('via')).toMatch(new RegExp(`^SIP/2.0/UDP 127.0.0.1:${udpPort};branch=z9hG4bK\\w+;rport$`));
    expect(inv.get('max-forwards')).toBe('70');
    expect(inv.get('from')).toMatch(new RegExp(`^<sip:\\+15551000@127.0.0.1:${udpPort}>;tag=\\w+$`));
    expect(inv.get('to')).toBe(`<sip:bob@127.0.0.1:${ua.port}>`);
    expect(inv.get('cseq')).toMatch(/^\d+ INVITE$/);
    expect(inv.get('contact')).toBe(`<sip:127.0.0.1:${udpPort}>`);
    expect(inv.get('content-type')).toBe('application/sdp');
    expect(inv.get('subject')).toBe('test call');
    expect(inv.get('x-custom')).toBe('abc');
    expect(inv.body.toString()).toBe(SDP);
    ua.send(answer(inv, 180, 'Ringing', 'b1'), udpPort);
    ua.send(answer(inv, 200, 'OK', 'b1', [`Contact: <sip:bob@127.0.0.1:${ua.port}>`, 'Content-Type: application/sdp']), udpPort, SDP);
    const dlg = await p;
    expect(provisional).toEqual([180]);
    const fromTag = /tag=(\w+)/.exec(inv.get('from') ?? '')?.[1];
    expect(dlg.id).toBe(`${inv.get('call-id')};from-tag=${fromTag}`);
    const ack = await ua.request('ACK');
    expect(ack.get('cseq')).toBe(`${inv.get('cseq')?.split(' ')[0]} ACK`);
    expect(ack.uri).toBe(`sip:bob@127.0.0.1:${ua.port}`);
    // A retransmitted 2xx is re-ACKed by the server, not delivered.
    ua.send(answer(inv, 200, 'OK', 'b1', [`Contact: <sip:bob@127.0.0.1:${ua.port}>`, 'Content-Type: application/sdp']), udpPort, SDP);
    await ua.request('ACK');
    const destroyed = dlg.destroy();
    const bye = await ua.request('BYE');
    expect(bye.uri).toBe(`sip:bob@127.0.0.1:${ua.port}`);
    expect(bye.get('to')).toContain('tag=b1');
    expect(Number(bye.get('cseq')?.split(' ')[0])).toBe(Number(inv.get('cseq')?.split(' ')[0]) + 1);
    ua.send(answer(bye, 200, 'OK', 'b1'), udpPort);
    await destroyed;
    await sleep(50);
    expect(server.stats().dialogs).toBe(0);
  });

  it('rejects with the failure status and keeps nothing when the callee answers 486', async () => {
    const p = srf.createUAC(`sip:bob@127.0.0.1:${ua.port}`, { localSdp: SDP });
    const inv = await ua.request('INVITE');
    ua.send(answer(inv, 486, 'Busy Here', 'b2'), udpPort);
    await expect(p).rejects.toMatchObject({ status: 486 });
    const ack = await ua.request('ACK');
    expect(ack.get('via')).toBe(inv.get('via'));
    await sleep(50);
    expect(server.stats().dialogs).toBe(0);
  });

  it('retries with digest auth keeping Call-ID and From tag, CSeq + 1', async () => {
    const p = srf.createUAC(`sip:bob@127.0.0.1:${ua.port}`, {
      localSdp: SDP,
      auth: { username: 'alice', password: 'secret' },
    });
    const inv1 = await ua.request('INVITE');
    ua.send(answer(inv1, 407, 'Proxy Authentication Required', 'gw', ['Proxy-Authenticate: Digest realm="gw", nonce="abc123"']), udpPort);
    await ua.request('ACK');
    const inv2 = await ua.request('INVITE');
    expect(inv2.get('call-id')).toBe(inv1.get('call-id'));
    expect(/tag=(\w+)/.exec(inv2.get('from') ?? '')?.[1]).toBe(/tag=(\w+)/.exec(inv1.get('from') ?? '')?.[1]);
    expect(Number(inv2.get('cseq')?.split(' ')[0])).toBe(Number(inv1.get('cseq')?.split(' ')[0]) + 1);
    expect(inv2.get('proxy-authorization')).toMatch(/^Digest .*username="alice".*realm="gw"/);
    ua.send(answer(inv2, 200, 'OK', 'b3', [`Contact: <sip:bob@127.0.0.1:${ua.port}>`]), udpPort, '');
    const dlg = await p;
    await ua.request('ACK');
    dlg.destroy();
    const bye = await ua.request('BYE');
    ua.send(answer(bye, 200, 'OK', 'b3'), udpPort);
  });

  it('sends the app CANCEL after the provisional and delivers the 487', async () => {
    let inviteReq: LooseSrf;
    const p = srf.createUAC(`sip:bob@127.0.0.1:${ua.port}`, { localSdp: SDP }, { cbRequest: (_e: unknown, r: LooseSrf) => (inviteReq = r) });
    const inv = await ua.request('INVITE');
    ua.send(answer(inv, 180, 'Ringing', 'b4'), udpPort);
    await sleep(100);
    inviteReq.cancel();
    const cancel = await ua.request('CANCEL');
    expect(cancel.get('via')).toBe(inv.get('via'));
    expect(cancel.get('cseq')).toBe(`${inv.get('cseq')?.split(' ')[0]} CANCEL`);
    ua.send(answer(cancel, 200, 'OK', 'b4'), udpPort);
    ua.send(answer(inv, 487, 'Request Terminated', 'b4'), udpPort);
    await expect(p).rejects.toMatchObject({ status: 487 });
  });

  it('holds a CANCEL issued before any provisional until one arrives', async () => {
    let inviteReq: LooseSrf;
    const p = srf.createUAC(`sip:bob@127.0.0.1:${ua.port}`, { localSdp: SDP }, { cbRequest: (_e: unknown, r: LooseSrf) => (inviteReq = r) });
    const inv = await ua.request('INVITE');
    await sleep(50);
    inviteReq.cancel();
    expect(await ua.nothing((m) => m.isRequest && (m as SipRequest).method === 'CANCEL', 300)).toBe(true);
    ua.send(answer(inv, 183, 'Session Progress', 'b5'), udpPort);
    const cancel = await ua.request('CANCEL');
    ua.send(answer(cancel, 200, 'OK', 'b5'), udpPort);
    ua.send(answer(inv, 487, 'Request Terminated', 'b5'), udpPort);
    await expect(p).rejects.toMatchObject({ status: 487 });
  });

  it('delivers a locally generated 408 when the callee never answers', async () => {
    // T1 = 50 ms → Timer B = 3.2 s
    const started = Date.now();
    const p = srf.createUAC(`sip:bob@127.0.0.1:${ua.port}`, { localSdp: SDP });
    await ua.request('INVITE');
    await expect(p).rejects.toMatchObject({ status: 408 });
    expect(Date.now() - started).toBeGreaterThan(3000);
  }, 10_000);

  it('ACK-BYE: a 2xx to a cancelled INVITE is ACKed then torn down with a BYE and an unsolicited frame', async () => {
    let inviteReq: LooseSrf;
    const frames: string[] = [];
    const conn = [...server.admin.connections][0];
    const origSend = conn?.send.bind(conn);
    if (conn && origSend) {
      conn.send = (leader: string, sip?: Buffer) => {
        frames.push(leader);
        return origSend(leader, sip);
      };
    }
    const p = srf.createUAC(`sip:bob@127.0.0.1:${ua.port}`, { localSdp: SDP }, { cbRequest: (_e: unknown, r: LooseSrf) => (inviteReq = r) });
    p.catch(() => {});
    const inv = await ua.request('INVITE');
    ua.send(answer(inv, 180, 'Ringing', 'b6'), udpPort);
    await sleep(100);
    inviteReq.cancel();
    const cancel = await ua.request('CANCEL');
    ua.send(answer(cancel, 200, 'OK', 'b6'), udpPort);
    // The callee answered before it processed the CANCEL.
    ua.send(answer(inv, 200, 'OK', 'b6', [`Contact: <sip:bob@127.0.0.1:${ua.port}>`]), udpPort, '');
    await ua.request('ACK');
    const bye = await ua.request('BYE');
    expect(bye.get('reason')).toContain('ACK-BYE due to cancel race condition');
    ua.send(answer(bye, 200, 'OK', 'b6'), udpPort);
    await sleep(100);
    expect(frames.some((f) => f.includes('|unsolicited|'))).toBe(true);
  });

  it('forgets a UAC dialog whose 2xx the app never ACKs after 64×T1, without sending BYE', async () => {
    const raw = await RawAdminClient.open(server.adminPort);
    try {
      await raw.authenticate();
      const echo = await raw.reply(raw.send('sip||', `INVITE sip:bob@127.0.0.1:${ua.port} SIP/2.0\r\n\r\n`));
      expect(echo.tokens[3]).toBe('OK');
      const inv = await ua.request('INVITE');
      ua.send(answer(inv, 200, 'OK', 'na', [`Contact: <sip:bob@127.0.0.1:${ua.port}>`]), udpPort);
      await raw.next((f) => f.tokens[1] === 'sip' && (f.sip ?? '').startsWith('SIP/2.0 200'));
      expect(server.stats().dialogs).toBe(1);
      await sleep(3500); // 64 × 50 ms
      expect(server.stats().dialogs).toBe(0);
      expect(ua.received.some((m) => m.isRequest)).toBe(false);
    } finally {
      raw.close();
    }
  }, 10_000);
});
