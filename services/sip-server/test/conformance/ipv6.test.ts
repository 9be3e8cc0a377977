import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portBlock } from '../helpers/ports.js';
import { describeRun, runSipp } from '../helpers/sipp.js';
import { answerInvite, connectApp, disconnectApp, type LooseSrf, until } from '../helpers/srf.js';
import { type TestServer, startTestServer } from '../helpers/test-server.js';

// SIP over IPv6 (RFC 3261 §18 with IPv6 references, RFC 5118): a server listening on [::1]
// answers a SIPp caller's INVITE through a drachtio-srf app over UDP and TCP.
const ports = portBlock('ipv6');
let ts: TestServer;
let app: LooseSrf;
const seen: string[] = [];
let byes = 0;

beforeAll(async () => {
  ts = await startTestServer(ports, { sipHost: '::1' });
  app = await connectApp(ts.adminPort);
  app.invite((req: LooseSrf, res: LooseSrf) => {
    seen.push(`${req.protocol}:${req.source_address}`);
    answerInvite(app, req, res, 30080, () => byes++);
  });
});

afterAll(async () => {
  disconnectApp(app);
  await ts?.stop();
});

describe.each(['u1', 't1'] as const)('IPv6 over %s', (transport) => {
  it('answers an INVITE from [::1] and takes the BYE', async () => {
    const before = byes;
    const r = await runSipp({
      scenario: 'uac-invite-bye.xml',
      target: `[::1]:${ts.sipPort}`,
      localIp: '::1',
      port: ports.sipp(transport === 'u1' ? 0 : 1),
      mediaPort: ports.media(0),
      transport,
    });
    expect(r.code, describeRun(r)).toBe(0);
    await until(() => byes === before + 1, 5000, 'BYE reported to the app');
    expect(seen.at(-1)).toBe(`${transport === 'u1' ? 'udp' : 'tcp'}:::1`);
  });
});
