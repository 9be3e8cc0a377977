import { afterEach, describe, expect, it } from 'vitest';
import { SipServer } from '../../src/server.js';
import type { LooseSrf } from './srf-app.js';
import { startApp, startServer } from '../uas/harness.js';
import { UdpUa } from '../uas/udp-ua.js';

let n = 0;
function options(ua: UdpUa, port: number, userAgent = 'test'): void {
  const id = `multi-${++n}`;
  ua.send(
    [
      `OPTIONS sip:ping@127.0.0.1:${port} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${ua.port};branch=z9hG4bK-${id};rport`,
      `From: <sip:probe@127.0.0.1:${ua.port}>;tag=${id}`,
      `To: <sip:ping@127.0.0.1:${port}>`,
      `Call-ID: ${id}`,
      'CSeq: 1 OPTIONS',
      `User-Agent: ${userAgent}`,
    ].join('\n'),
    port,
  );
}

describe('several applications at once', () => {
  const apps: LooseSrf[] = [];
  let server: SipServer;
  let ua: UdpUa;

  afterEach(async () => {
    for (const a of apps.splice(0)) a.disconnect();
    ua?.close();
    await server.stop();
  });

  it('rotates new requests round-robin per method over the apps that routed it, each seeing only its own', async () => {
    const s = await startServer();
    server = s.server;
    const seen: string[][] = [[], [], []];
    for (let i = 0; i < 3; i++) {
      apps.push(
        await startApp(server, (app) => {
          app.options((req: LooseSrf, res: LooseSrf) => {
            seen[i]?.push(req.get('Call-ID'));
            res.send(200, { headers: { 'X-App': String(i) } });
          });
        }),
      );
    }
    ua = await UdpUa.open();
    const answeredBy: string[] = [];
    for (let k = 0; k < 6; k++) {
      options(ua, s.udpPort);
      answeredBy.push((await ua.response(200, 'OPTIONS')).get('x-app') ?? '');
    }
    expect(answeredBy).toEqual(['0', '1', '2', '0', '1', '2']);
    expect(seen.map((x) => x.length)).toEqual([2, 2, 2]);
    expect(new Set(seen.flat()).size).toBe(6);
    // After one app leaves, the others share the load.
    apps.shift()?.disconnect();
    await new Promise((r) => setTimeout(r, 100));
    const after: string[] = [];
    for (let k = 0; k < 4; k++) {
      options(ua, s.udpPort);
      after.push((await ua.response(200, 'OPTIONS')).get('x-app') ?? '');
    }
    expect(after.sort()).toEqual(['1', '1', '2', '2']);
    // Non-dialog requests leave nothing behind.
    expect(server.stats().dialogs).toBe(0);
    expect(server.stats().transactions).toBe(0);
  });

  it('applies the policy before any app: spammer → 603, OPTIONS auto-respond → 200', async () => {
    server = new SipServer({
      admin: { address: '127.0.0.1', port: 0 },
      contacts: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }],
      policy: (req) => {
        const uaHdr = req.get('user-agent');
        if (uaHdr === 'friendly-scanner') return { status: 603, reason: 'Decline' };
        if (req.method === 'OPTIONS' && uaHdr === 'keepalive') return { status: 200, reason: 'OK' };
        return undefined;
      },
    });
    await server.start();
    const port = server.sipContacts()[0]?.port ?? 0;
    let offered = 0;
    apps.push(
      await startApp(server, (app) => {
        app.options((_req: LooseSrf, res: LooseSrf) => {
          offered++;
          res.send(404);
        });
      }),
    );
    ua = await UdpUa.open();
    options(ua, port, 'friendly-scanner');
    await ua.response(603, 'OPTIONS');
    options(ua, port, 'keepalive');
    await ua.response(200, 'OPTIONS');
    options(ua, port, 'other');
    await ua.response(404, 'OPTIONS');
    expect(offered).toBe(1);
  });
});
