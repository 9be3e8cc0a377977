import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SipServer } from '../../src/server.js';
import type { SipRequest } from '../../src/sip/sip-request.js';
import type { LooseSrf } from '../drachtio/srf-app.js';
import { startApp, startServer } from '../uas/harness.js';
import { SDP, UdpUa, answer } from '../uas/udp-ua.js';

/** `proxy` frames: srf.proxyRequest (docs/drachtio-protocol.md, conformance 48–50). */
describe('stateful proxy', () => {
  let server: SipServer;
  let port: number;
  let srf: LooseSrf;
  let a: UdpUa;
  let b1: UdpUa;
  let b2: UdpUa;
  let result: Promise<LooseSrf>;
  let proxyArgs: (() => [string[], object]) | undefined;
  let n = 0;

  beforeEach(async () => {
    const s = await startServer(50);
    server = s.server;
    port = s.udpPort;
    a = await UdpUa.open();
    b1 = await UdpUa.open();
    b2 = await UdpUa.open();
    srf = await startApp(server, (app) => {
      app.invite((req: LooseSrf) => {
        const [dests, opts] = proxyArgs?.() ?? [[], {}];
        result = app.proxyRequest(req, dests, opts);
        result.catch(() => {});
      });
    });
  });

  afterEach(async () => {
    srf.disconnect();
    for (const u of [a, b1, b2]) u.close();
    await server.stop();
    proxyArgs = undefined;
  });

  const sendInvite = (cid: string, extra: string[] = []) =>
    a.send(
      [
        `INVITE sip:svc@127.0.0.1:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${a.port};branch=z9hG4bK-${cid};rport`,
        `From: <sip:alice@127.0.0.1:${a.port}>;tag=fa-${cid}`,
        `To: <sip:svc@127.0.0.1:${port}>`,
        `Call-ID: ${cid}`,
        'CSeq: 1 INVITE',
        `Contact: <sip:alice@127.0.0.1:${a.port}>`,
        'Max-Forwards: 70',
        'Content-Type: application/sdp',
        ...extra,
      ].join('\n'),
      port,
      SDP,
    );

  it('forks serially, reports each final with continue, Record-Routes, and then relays in-dialog requests without the app', async () => {
    proxyArgs = () => [[`sip:127.0.0.1:${b1.port}`, `sip:127.0.0.1:${b2.port}`], { recordRoute: true }];
    const cid = `px-${++n}`;
    sendInvite(cid, [`Route: <sip:127.0.0.1:${port};lr>`]);
    await a.response(100, 'INVITE');
    const inv1 = await b1.request('INVITE');
    expect(inv1.uri).toBe(`sip:127.0.0.1:${b1.port}`);
    expect(inv1.has('route')).toBe(false); // preloaded Route stripped
    expect(inv1.get('max-forwards')).toBe('69');
    expect(inv1.getAll('via')).toHaveLength(2);
    expect(inv1.get('record-route')).toBe(`<sip:127.0.0.1:${port};lr>`);
    expect(inv1.body.toString()).toBe(SDP);
    b1.send(answer(inv1, 486, 'Busy Here', 'b1'), port);
    await b1.request('ACK');
    const inv2 = await b2.request('INVITE');
    b2.send(answer(inv2, 180, 'Ringing', 'b2', [`Contact: <sip:b2@127.0.0.1:${b2.port}>`]), port);
    const ringing = await a.response(180, 'INVITE');
    expect(ringing.getAll('via')).toHaveLength(1);
    b2.send(
      answer(inv2, 200, 'OK', 'b2', [
        `Record-Route: <sip:127.0.0.1:${port};lr>`,
        `Contact: <sip:b2@127.0.0.1:${b2.port}>`,
        'Content-Type: application/sdp',
      ]),
      port,
      SDP,
    );
    const ok = await a.response(200, 'INVITE');
    expect(ok.get('record-route')).toBe(`<sip:127.0.0.1:${port};lr>`);
    const r = await result;
    expect(r.connected).toBe(true);
    expect(r.finalStatus).toBe(200);
    expect(r.responses.flatMap((x: LooseSrf) => x.msgs.map((m: LooseSrf) => m.status))).toEqual([486, 200]);
    const route = `Route: <sip:127.0.0.1:${port};lr>`;
    const inDialog = (method: string, cseq: number) =>
      a.send(
        [
          `${method} sip:b2@127.0.0.1:${b2.port} SIP/2.0`,
          `Via: SIP/2.0/UDP 127.0.0.1:${a.port};branch=z9hG4bK-${method}-${cid};rport`,
          route,
          `From: <sip:alice@127.0.0.1:${a.port}>;tag=fa-${cid}`,
          `To: <sip:svc@127.0.0.1:${port}>;tag=b2`,
          `Call-ID: ${cid}`,
          `CSeq: ${cseq} ${method}`,
          'Max-Forwards: 70',
        ].join('\n'),
        port,
      );
    inDialog('ACK', 1);
    const ack = await b2.request('ACK');
    expect(ack.has('route')).toBe(false);
    inDialog('BYE', 2);
    const bye = await b2.request('BYE');
    expect(bye.getAll('via')).toHaveLength(2);
    b2.send(answer(bye, 200, 'OK', 'b2'), port);
    const byeOk = await a.response(200, 'BYE');
    expect(byeOk.getAll('via')).toHaveLength(1);
  });

  it('forks in parallel, forwards the 2xx and CANCELs the other branch', async () => {
    proxyArgs = () => [[`sip:127.0.0.1:${b1.port}`, `sip:127.0.0.1:${b2.port}`], { forking: 'simultaneous' }];
    sendInvite(`par-${++n}`);
    const [i1, i2] = await Promise.all([b1.request('INVITE'), b2.request('INVITE')]);
    b1.send(answer(i1, 180, 'Ringing', 'b1'), port);
    await a.response(180, 'INVITE');
    b2.send(answer(i2, 200, 'OK', 'b2', [`Contact: <sip:b2@127.0.0.1:${b2.port}>`]), port);
    await a.response(200, 'INVITE');
    const cancel = await b1.request('CANCEL');
    expect(cancel.get('via')).toBe(i1.get('via'));
    b1.send(answer(cancel, 200, 'OK', 'b1'), port);
    b1.send(answer(i1, 487, 'Request Terminated', 'b1'), port);
    const r = await result;
    expect(r.finalStatus).toBe(200);
  });

  it('relays the best final when every branch fails and propagates an upstream CANCEL', async () => {
    proxyArgs = () => [[`sip:127.0.0.1:${b1.port}`], {}];
    const cid = `pxc-${++n}`;
    sendInvite(cid);
    const inv = await b1.request('INVITE');
    b1.send(answer(inv, 180, 'Ringing', 'b1'), port);
    await a.response(180, 'INVITE');
    a.send(
      [
        `CANCEL sip:svc@127.0.0.1:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${a.port};branch=z9hG4bK-${cid};rport`,
        `From: <sip:alice@127.0.0.1:${a.port}>;tag=fa-${cid}`,
        `To: <sip:svc@127.0.0.1:${port}>`,
        `Call-ID: ${cid}`,
        'CSeq: 1 CANCEL',
      ].join('\n'),
      port,
    );
    await a.response(200, 'CANCEL');
    const cancel: SipRequest = await b1.request('CANCEL');
    b1.send(answer(cancel, 200, 'OK', 'b1'), port);
    b1.send(answer(inv, 487, 'Request Terminated', 'b1'), port);
    await a.response(487, 'INVITE');
    expect((await result).finalStatus).toBe(487);
  });

  it('answers 500 upstream and NOK to the app when no target has a usable transport', async () => {
    proxyArgs = () => [[`sip:127.0.0.1:${b1.port};transport=tls`], {}];
    sendInvite(`pxf-${++n}`);
    await a.response(500, 'INVITE');
    await expect(result).rejects.toBeTruthy();
  });

  it('forwards in-dialog requests of a record-routed call by Request-URI when the callee dropped Record-Route', async () => {
    proxyArgs = () => [[`sip:127.0.0.1:${b1.port}`], { recordRoute: true }];
    const cid = `pxn-${++n}`;
    sendInvite(cid);
    const inv = await b1.request('INVITE');
    b1.send(answer(inv, 200, 'OK', 'b1', [`Contact: <sip:b1@127.0.0.1:${b1.port}>`]), port);
    const ok = await a.response(200, 'INVITE');
    expect(ok.has('record-route')).toBe(false);
    const noRoute = (method: string, cseq: number) =>
      a.send(
        [
          `${method} sip:b1@127.0.0.1:${b1.port} SIP/2.0`,
          `Via: SIP/2.0/UDP 127.0.0.1:${a.port};branch=z9hG4bK-${method}-${cid};rport`,
          `From: <sip:alice@127.0.0.1:${a.port}>;tag=fa-${cid}`,
          `To: <sip:svc@127.0.0.1:${port}>;tag=b1`,
          `Call-ID: ${cid}`,
          `CSeq: ${cseq} ${method}`,
        ].join('\n'),
        port,
      );
    noRoute('ACK', 1);
    await b1.request('ACK');
    noRoute('BYE', 2);
    const bye = await b1.request('BYE');
    b1.send(answer(bye, 200, 'OK', 'b1'), port);
    await a.response(200, 'BYE');
    // After the BYE the call is forgotten: a stray in-dialog request is not relayed any more.
    noRoute('INFO', 3);
    await a.response(481, 'INFO');
  });

  it('follows a 3xx to the Contact it names when followRedirects is set', async () => {
    proxyArgs = () => [[`sip:127.0.0.1:${b1.port}`], { followRedirects: true }];
    sendInvite(`pxr-${++n}`);
    const inv1 = await b1.request('INVITE');
    b1.send(answer(inv1, 302, 'Moved Temporarily', 'b1', [`Contact: <sip:moved@127.0.0.1:${b2.port}>`]), port);
    await b1.request('ACK');
    const inv2 = await b2.request('INVITE');
    expect(inv2.uri).toBe(`sip:moved@127.0.0.1:${b2.port}`);
    b2.send(answer(inv2, 486, 'Busy Here', 'b2'), port);
    // The 302 was consumed by the recursion: the caller gets the callee's answer.
    await a.response(486, 'INVITE');
    expect((await result).finalStatus).toBe(486);
  });
});
