import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveCli } from '../../src/cli/resolve-cli.js';
import { SipServer } from '../../src/server.js';
import { portBlock } from '../helpers/ports.js';
import { describeRun, runSipp } from '../helpers/sipp.js';
import { type LooseSrf, connectApp, disconnectApp } from '../helpers/srf.js';

// docs/drachtio-protocol.md, conformance 52: spammer rules → 603 and OPTIONS auto-respond → 200 without any app, configured
// through drachtio.conf.xml and the drachtio command line exactly as an operator would.
const ports = portBlock('policy');
const conf = fileURLToPath(new URL('./fixtures/policy.conf.xml', import.meta.url));
let server: SipServer;
let app: LooseSrf | undefined;
let invites = 0;

beforeAll(async () => {
  const plan = resolveCli({
    argv: ['-f', conf, '--port', String(ports.admin), '--contact', `sip:127.0.0.1:${ports.sip};transport=udp,tcp`],
  });
  server = new SipServer(plan.serverOptions);
  await server.start();
});

afterAll(async () => {
  disconnectApp(app);
  await server?.stop();
});

const target = () => `127.0.0.1:${ports.sip}`;

describe.each(['u1', 't1'] as const)('policy over %s', (transport) => {
  it('answers OPTIONS from the configured User-Agent 200 with no app connected', async () => {
    const r = await runSipp({
      scenario: 'uac-options-expect-200.xml',
      target: target(),
      port: ports.sipp(0),
      mediaPort: ports.media(0),
      transport,
      keys: { ua: 'keepalive-probe/1.0' },
    });
    expect(r.code, describeRun(r)).toBe(0);
  });

  it('declines a spammer User-Agent and a spammer To user with 603, before any app sees them', async () => {
    if (!app) {
      app = await connectApp(ports.admin);
      app.invite((_req: LooseSrf, res: LooseSrf) => {
        invites++;
        res.send(486);
      });
    }
    const before = invites;
    const byUa = await runSipp({
      scenario: 'uac-expect-603.xml',
      target: target(),
      port: ports.sipp(1),
      mediaPort: ports.media(1),
      transport,
      keys: { ua: 'friendly-scanner' },
    });
    expect(byUa.code, describeRun(byUa)).toBe(0);
    const byTo = await runSipp({
      scenario: 'uac-expect-603.xml',
      target: target(),
      port: ports.sipp(1),
      mediaPort: ports.media(1),
      transport,
      service: 'sipvicious',
      keys: { ua: 'Linphone/5' },
    });
    expect(byTo.code, describeRun(byTo)).toBe(0);
    expect(invites).toBe(before);
  });

  it('lets a clean INVITE through to the app', async () => {
    const before = invites;
    const r = await runSipp({
      scenario: 'uac-expect-486.xml',
      target: target(),
      port: ports.sipp(2),
      mediaPort: ports.media(2),
      transport,
      keys: { ua: 'Linphone/5' },
    });
    expect(r.code, describeRun(r)).toBe(0);
    expect(invites).toBe(before + 1);
  });
});
