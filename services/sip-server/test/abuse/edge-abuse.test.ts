import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SipServer } from '../../src/server.js';
import { type LooseSrf, connectApp, disconnectApp } from '../helpers/srf.js';
import { appPortFlood, fuzzUdp, silentAppConnections, slowSenders } from './attacks.js';
import { LegitPhone } from './legit-register.js';
import { abuseTemplates } from './templates.js';

// The short form of the abuse suite (`npm run bench:abuse` is the long one): hostile input on
// every port, while a legitimate phone keeps registering. Deadlines are short here (1 s to
// authenticate, 1.5 s for a TCP message); production defaults are 5 s and 20 s.
const AUTH_TIMEOUT = 1000;
const MESSAGE_TIMEOUT = 1500;
let server: SipServer;
let app: LooseSrf;
let phone: LegitPhone;
let sipPort = 0;
let tcpPort = 0;

beforeAll(async () => {
  server = new SipServer({
    admin: { address: '127.0.0.1', port: 0, authTimeout: AUTH_TIMEOUT },
    contacts: [
      { protocol: 'udp', host: '127.0.0.1', port: 0 },
      { protocol: 'tcp', host: '127.0.0.1', port: 0 },
    ],
    tcp: { messageTimeout: MESSAGE_TIMEOUT },
    logLevel: 'error',
  });
  await server.start();
  sipPort = server.sipContacts().find((c) => c.protocol === 'udp')!.port;
  tcpPort = server.sipContacts().find((c) => c.protocol === 'tcp')!.port;
  app = await connectApp(server.adminPort);
  app.register((_req: LooseSrf, res: LooseSrf) => res.send(200));
  app.options((_req: LooseSrf, res: LooseSrf) => res.send(200));
  app.invite((_req: LooseSrf, res: LooseSrf) => res.send(480));
  phone = await LegitPhone.open('127.0.0.1', sipPort, tcpPort);
});

afterAll(async () => {
  phone?.close();
  disconnectApp(app);
  await server?.stop();
});

async function phoneRegisters(): Promise<void> {
  for (const t of ['UDP', 'TCP'] as const) {
    const r = await phone.register(t);
    expect(r.status, `REGISTER over ${t}`).toBe(200);
  }
}

describe('abuse, short form', () => {
  it('survives the RFC 4475 set and 3000 mutated datagrams, and still registers a phone', async () => {
    const { torture, ordinary } = abuseTemplates();
    const r = await fuzzUdp({ host: '127.0.0.1', port: sipPort, count: 3000, seed: 4475, templates: [...torture, ...ordinary] });
    expect(r.sent).toBe(3000);
    // Nothing the fuzzer sent made the server fail: the only 5xx allowed is 503 (no application
    // routes that method), and 505 for a version it does not speak.
    const serverErrors = Object.entries(r.statuses).filter(([s]) => Number(s) >= 500 && Number(s) !== 503 && Number(s) !== 505);
    expect(serverErrors).toEqual([]);
    expect(r.answers['4xx'] ?? 0).toBeGreaterThan(0);
    expect(server.started).toBe(true);
    await phoneRegisters();
  }, 60_000);

  it('registers a phone over UDP and TCP while 16 MB unauthenticated frames and 50 slow senders come in; closes them in time', async () => {
    const before = server.stats();
    const flood = appPortFlood({ host: '127.0.0.1', port: server.adminPort, clients: 2, frameBytes: 16 * 1024 * 1024, timeoutMs: 5000 });
    const silent = silentAppConnections({ host: '127.0.0.1', port: server.adminPort, count: 5, timeoutMs: AUTH_TIMEOUT + 3000 });
    const slow = slowSenders({ host: '127.0.0.1', port: tcpPort, count: 50, intervalMs: 100, timeoutMs: MESSAGE_TIMEOUT + 3000 });
    for (let i = 0; i < 5; i++) await phoneRegisters();

    for (const f of await flood) {
      expect(f.closedAfterMs, 'flooding client closed').toBeDefined();
      expect(f.bytesWritten).toBeLessThan(16 * 1024 * 1024);
    }
    for (const f of await silent) {
      expect(f.closedAfterMs, 'silent client closed').toBeDefined();
      expect(f.closedAfterMs!).toBeGreaterThanOrEqual(AUTH_TIMEOUT - 50);
    }
    const slowFates = await slow;
    for (const f of slowFates) {
      expect(f.closedAfterMs, 'slow sender closed').toBeDefined();
      expect(f.closedAfterMs!).toBeGreaterThanOrEqual(MESSAGE_TIMEOUT - 150);
    }
    const after = server.stats();
    expect(after.adminPreAuthRejects - before.adminPreAuthRejects).toBe(2);
    expect(after.adminAuthTimeouts - before.adminAuthTimeouts).toBe(5);
    expect(server.stack.stats().tcpMessageTimeouts).toBe(50);
    await phoneRegisters();
  }, 60_000);
});
