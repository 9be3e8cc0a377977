import { afterEach, describe, expect, it } from 'vitest';
import { SipServer } from '../../src/server.js';
import { sleep, startApp } from '../uas/harness.js';
import { SDP, UdpUa } from '../uas/udp-ua.js';
import { RawAdminClient } from './raw-admin-client.js';
import type { LooseSrf } from './srf-app.js';

/** docs/drachtio-protocol.md, conformance 51: cdr:attempt/start/stop frames (§3.10). */
describe('CDR frames', () => {
  let server: SipServer;
  let srf: LooseSrf;
  let cdr: RawAdminClient;
  let ua: UdpUa;

  const start = async (cdrs: boolean) => {
    server = new SipServer({ admin: { address: '127.0.0.1', port: 0 }, contacts: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }], cdrs });
    await server.start();
    srf = await startApp(server, (app) => {
      app.invite((req: LooseSrf, res: LooseSrf) => app.createUAS(req, res, { localSdp: SDP }).catch(() => {}));
    });
    cdr = await RawAdminClient.open(server.adminPort);
    await cdr.authenticate();
    for (const v of ['cdr:attempt', 'cdr:start', 'cdr:stop']) await cdr.reply(cdr.send(`route|${v}`));
    ua = await UdpUa.open();
    return server.sipContacts()[0]?.port ?? 0;
  };

  afterEach(async () => {
    srf.disconnect();
    cdr.close();
    ua.close();
    await server.stop();
  });

  const call = async (port: number, cid: string) => {
    const lines = (m: string, cseq: number, toTag = '') =>
      [
        `${m} sip:cdr@127.0.0.1:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${ua.port};branch=z9hG4bK-${cid}-${cseq}-${m};rport`,
        `From: <sip:a@127.0.0.1:${ua.port}>;tag=f-${cid}`,
        `To: <sip:cdr@127.0.0.1:${port}>${toTag}`,
        `Call-ID: ${cid}`,
        `CSeq: ${cseq} ${m}`,
        `Contact: <sip:a@127.0.0.1:${ua.port}>`,
      ].join('\n');
    ua.send(`${lines('INVITE', 1)}\nContent-Type: application/sdp`, port, SDP);
    const ok = await ua.response(200, 'INVITE');
    const tag = `;tag=${/tag=(\w+)/.exec(ok.get('to') ?? '')?.[1]}`;
    ua.send(lines('ACK', 1, tag), port);
    ua.send(lines('BYE', 2, tag), port);
    await ua.response(200, 'BYE');
  };

  it('reports attempt, start (uas) and stop (normal-release) to the app that routed them', async () => {
    const port = await start(true);
    await call(port, 'cdr-1');
    const attempt = await cdr.next((f) => f.tokens[1] === 'cdr:attempt');
    expect(attempt.tokens[2]).toBe('network');
    expect(attempt.tokens[3]).toMatch(/^\d\d:\d\d:\d\d\.\d{6}$/);
    expect(attempt.sip?.startsWith('INVITE ')).toBe(true);
    const started = await cdr.next((f) => f.tokens[1] === 'cdr:start');
    expect(started.tokens.slice(2, 3).concat(started.tokens.slice(4))).toEqual(['application', 'uas']);
    expect(started.sip?.startsWith('SIP/2.0 200 OK')).toBe(true);
    const stopped = await cdr.next((f) => f.tokens[1] === 'cdr:stop');
    expect([stopped.tokens[2], stopped.tokens[4]]).toEqual(['network', 'normal-release']);
    expect(stopped.sip?.startsWith('BYE ')).toBe(true);
  });

  it('sends no CDR frames when CDRs are disabled', async () => {
    const port = await start(false);
    await call(port, 'cdr-2');
    await sleep(200);
    expect(cdr.frames.filter((f) => f.tokens[1]?.startsWith('cdr:'))).toHaveLength(0);
  });
});
