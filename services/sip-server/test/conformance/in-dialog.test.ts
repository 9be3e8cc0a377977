import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portBlock } from '../helpers/ports.js';
import { describeRun, runSipp } from '../helpers/sipp.js';
import { type LooseSrf, connectApp, disconnectApp, sdp, until } from '../helpers/srf.js';
import { type TestServer, startTestServer } from '../helpers/test-server.js';

// docs/drachtio-protocol.md, conformance 25–26, 35, 45: re-INVITE both ways, UPDATE, INFO both ways, REFER + NOTIFY, BYE from the
// caller — one dialog between a SIPp UAC and a drachtio-srf UAS, over UDP and TCP.
const ports = portBlock('inDialog');
let ts: TestServer;
let app: LooseSrf;
const log: string[] = [];
let ended = 0;

beforeAll(async () => {
  ts = await startTestServer(ports);
  app = await connectApp(ts.adminPort);
  app.invite(async (req: LooseSrf, res: LooseSrf) => {
    const dlg = await app.createUAS(req, res, { localSdp: sdp('dragon-answer', 30020) });
    dlg.on('modify', (mreq: LooseSrf, mres: LooseSrf) => {
      log.push(`modify:${mreq.body.includes('s=sipp-reoffer')}`);
      mres.send(200, { body: sdp('dragon-reanswer', 30020) });
    });
    dlg.on('update', (ureq: LooseSrf, ures: LooseSrf) => {
      log.push(`update:${ureq.body.includes('s=sipp-update')}`);
      ures.send(200, { body: sdp('dragon-update-answer', 30020) });
    });
    dlg.on('info', async (ireq: LooseSrf, ires: LooseSrf) => {
      log.push(`info:${ireq.body.includes('Signal=1')}`);
      ires.send(200);
      try {
        const answer: string = await dlg.modify(sdp('dragon-reoffer', 30022));
        log.push(`reinvite-answer:${answer.includes('s=sipp-reanswer')}`);
        const res2 = await dlg.request({
          method: 'INFO',
          headers: { 'Content-Type': 'application/dtmf-relay' },
          body: 'Signal=5\r\nDuration=160\r\n',
        });
        log.push(`info-sent:${res2.status}`);
      } catch (err) {
        log.push(`error:${(err as Error).message}`);
      }
    });
    dlg.on('refer', async (rreq: LooseSrf, rres: LooseSrf) => {
      log.push(`refer:${rreq.get('Refer-To')}`);
      rres.send(202);
      const n = await dlg.request({
        method: 'NOTIFY',
        headers: {
          Event: 'refer',
          'Subscription-State': 'terminated;reason=noresource',
          'Content-Type': 'message/sipfrag;version=2.0',
        },
        body: 'SIP/2.0 200 OK\r\n',
      });
      log.push(`notify:${n.status}`);
    });
    dlg.on('destroy', () => ended++);
  });
});

afterAll(async () => {
  disconnectApp(app);
  await ts?.stop();
});

describe.each(['u1', 't1'] as const)('in-dialog requests over %s', (transport) => {
  it('carries re-INVITEs, UPDATE, INFO, REFER/NOTIFY and BYE between SIPp and the app', async () => {
    log.length = 0;
    const before = ended;
    const r = await runSipp({
      scenario: 'uac-in-dialog.xml',
      target: `127.0.0.1:${ts.sipPort}`,
      port: ports.sipp(transport === 'u1' ? 0 : 1),
      mediaPort: ports.media(transport === 'u1' ? 0 : 1),
      transport,
    });
    expect(r.code, `${describeRun(r)}\napp: ${log.join(', ')}`).toBe(0);
    await until(() => ended === before + 1, 5000, 'dialog ended in the app');
    expect(log).toEqual([
      'modify:true',
      'update:true',
      'info:true',
      'reinvite-answer:true',
      'info-sent:200',
      'refer:<sip:carol@example.com>',
      'notify:200',
    ]);
  });
});
