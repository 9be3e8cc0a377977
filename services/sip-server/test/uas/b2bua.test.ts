import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SipServer } from '../../src/server.js';
import type { SipResponse } from '../../src/sip/sip-response.js';
import type { LooseSrf } from '../drachtio/srf-app.js';
import { startApp, startServer } from './harness.js';
import { SDP, UdpUa, answer } from './udp-ua.js';

const SDP_A = SDP.replace('10000', '11000');
const SDP_B = SDP.replace('10000', '12000');

describe('srf.createB2BUA between two UAs', () => {
  let server: SipServer;
  let udpPort: number;
  let srf: LooseSrf;
  let a: UdpUa;
  let b: UdpUa;
  let n = 0;

  beforeEach(async () => {
    const s = await startServer(50);
    server = s.server;
    udpPort = s.udpPort;
    a = await UdpUa.open();
    b = await UdpUa.open();
    srf = await startApp(server, (app) => {
      app.invite(async (req: LooseSrf, res: LooseSrf) => {
        try {
          const { uas, uac } = await app.createB2BUA(req, res, `sip:bob@127.0.0.1:${b.port}`, { localSdpB: req.body });
          uas.on('destroy', () => uac.destroy());
          uac.on('destroy', () => uas.destroy());
        } catch {
          /* failure relayed to A by srf */
        }
      });
    });
  });

  afterEach(async () => {
    srf.disconnect();
    a.close();
    b.close();
    await server.stop();
  });

  const callId = () => `b2b-${++n}-${Date.now()}`;
  const inviteFromA = (cid: string) =>
    [
      `INVITE sip:bob@127.0.0.1:${udpPort} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${a.port};branch=z9hG4bK-${cid};rport`,
      `From: <sip:alice@127.0.0.1:${a.port}>;tag=ta-${cid}`,
      `To: <sip:bob@127.0.0.1:${udpPort}>`,
      `Call-ID: ${cid}`,
      'CSeq: 1 INVITE',
      `Contact: <sip:alice@127.0.0.1:${a.port}>`,
      'Content-Type: application/sdp',
    ].join('\n');

  it('connects A and B passing the SDP through, then a BYE from A reaches B', async () => {
    const cid = callId();
    a.send(inviteFromA(cid), udpPort, SDP_A);
    const invB = await b.request('INVITE');
    expect(invB.body.toString()).toBe(SDP_A);
    expect(invB.get('from')).toContain('sip:alice@');
    b.send(answer(invB, 180, 'Ringing', 'tb'), udpPort);
    await a.response(180, 'INVITE');
    b.send(answer(invB, 200, 'OK', 'tb', [`Contact: <sip:bob@127.0.0.1:${b.port}>`, 'Content-Type: application/sdp']), udpPort, SDP_B);
    await b.request('ACK');
    const okA = await a.response(200, 'INVITE');
    expect(okA.body.toString()).toBe(SDP_B);
    const toTag = /tag=(\w+)/.exec(okA.get('to') ?? '')?.[1];
    a.send(
      [
        `ACK sip:127.0.0.1:${udpPort} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${a.port};branch=z9hG4bK-ack-${cid}`,
        `From: <sip:alice@127.0.0.1:${a.port}>;tag=ta-${cid}`,
        `To: <sip:bob@127.0.0.1:${udpPort}>;tag=${toTag}`,
        `Call-ID: ${cid}`,
        'CSeq: 1 ACK',
      ].join('\n'),
      udpPort,
    );
    a.send(
      [
        `BYE sip:127.0.0.1:${udpPort} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${a.port};branch=z9hG4bK-bye-${cid}`,
        `From: <sip:alice@127.0.0.1:${a.port}>;tag=ta-${cid}`,
        `To: <sip:bob@127.0.0.1:${udpPort}>;tag=${toTag}`,
        `Call-ID: ${cid}`,
        'CSeq: 2 BYE',
      ].join('\n'),
      udpPort,
    );
    await a.response(200, 'BYE');
    const byeB = await b.request('BYE');
    b.send(answer(byeB, 200, 'OK', 'tb'), udpPort);
    for (let i = 0; i < 50 && server.stats().dialogs > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(server.stats().dialogs).toBe(0);
  });

  it('propagates a CANCEL from A (after a provisional) to B; the server answers A 200 + 487', async () => {
    const cid = callId();
    a.send(inviteFromA(cid), udpPort, SDP_A);
    const invB = await b.request('INVITE');
    b.send(answer(invB, 180, 'Ringing', 'tb'), udpPort);
    await a.response(180, 'INVITE');
    a.send(
      [
        `CANCEL sip:bob@127.0.0.1:${udpPort} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${a.port};branch=z9hG4bK-${cid};rport`,
        `From: <sip:alice@127.0.0.1:${a.port}>;tag=ta-${cid}`,
        `To: <sip:bob@127.0.0.1:${udpPort}>`,
        `Call-ID: ${cid}`,
        'CSeq: 1 CANCEL',
        'Reason: Q.850;cause=16',
      ].join('\n'),
      udpPort,
    );
    await a.response(200, 'CANCEL');
    const r487: SipResponse = await a.response(487, 'INVITE');
    expect(r487.get('to')).toMatch(/tag=/);
    const cancelB = await b.request('CANCEL');
    expect(cancelB.get('via')).toBe(invB.get('via'));
    b.send(answer(cancelB, 200, 'OK', 'tb'), udpPort);
    b.send(answer(invB, 487, 'Request Terminated', 'tb'), udpPort);
    await b.request('ACK');
  });

  it('relays a failure from B to A', async () => {
    const cid = callId();
    a.send(inviteFromA(cid), udpPort, SDP_A);
    const invB = await b.request('INVITE');
    b.send(answer(invB, 486, 'Busy Here', 'tb'), udpPort);
    await b.request('ACK');
    await a.response(486, 'INVITE');
  });
});
