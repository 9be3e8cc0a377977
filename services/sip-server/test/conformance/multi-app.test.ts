import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portBlock } from '../helpers/ports.js';
import { describeRun, runSipp } from '../helpers/sipp.js';
import { answerInvite, connectApp, disconnectApp, type LooseSrf, until } from '../helpers/srf.js';
import { type TestServer, startTestServer } from '../helpers/test-server.js';

// docs/drachtio-protocol.md, conformance 9–11, 13, 55: several applications at once. New INVITEs rotate round-robin
// over the apps that routed INVITE; each dialog stays with the app that answered it (its BYE
// reaches only that app); an app that only routed OPTIONS never sees an INVITE; when an app
// disconnects, the others take all new calls.
const ports = portBlock('multiApp');
let ts: TestServer;
const apps: LooseSrf[] = [];
const invites = [0, 0, 0];
const byes = [0, 0, 0];

beforeAll(async () => {
  ts = await startTestServer(ports);
  for (let i = 0; i < 2; i++) {
    const app = await connectApp(ts.adminPort);
    app.invite((req: LooseSrf, res: LooseSrf) => {
      invites[i]!++;
      answerInvite(app, req, res, 30050 + 2 * i, () => byes[i]!++);
    });
    apps.push(app);
  }
  const optionsOnly = await connectApp(ts.adminPort);
  optionsOnly.options((_req: LooseSrf, res: LooseSrf) => res.send(200));
  optionsOnly.on('request', () => invites[2]!++);
  apps.push(optionsOnly);
});

afterAll(async () => {
  for (const a of apps) disconnectApp(a);
  await ts?.stop();
});

describe('several applications', () => {
  it('round-robins 10 INVITEs over the two INVITE apps and keeps each dialog with its app', async () => {
    const r = await runSipp({
      scenario: 'uac-invite-bye.xml',
      target: `127.0.0.1:${ts.sipPort}`,
      port: ports.sipp(0),
      mediaPort: ports.media(0),
      calls: 10,
      rate: 20,
    });
    expect(r.code, describeRun(r)).toBe(0);
    expect(invites).toEqual([5, 5, 0]);
    await until(() => byes[0] === 5 && byes[1] === 5, 5000, 'BYEs delivered to the owning apps');
  });

  it('sends every new call to the remaining app once one disconnects', async () => {
    disconnectApp(apps[1]);
    await new Promise((r) => setTimeout(r, 300));
    const r = await runSipp({
      scenario: 'uac-invite-bye.xml',
      target: `127.0.0.1:${ts.sipPort}`,
      port: ports.sipp(1),
      mediaPort: ports.media(1),
      calls: 4,
      rate: 20,
    });
    expect(r.code, describeRun(r)).toBe(0);
    expect(invites).toEqual([9, 5, 0]);
  });
});
