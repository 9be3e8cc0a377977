import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SipServer } from '@dragonpbx/sip-server';
import { type ServiceProcess, spawnService, until } from '@dragonpbx/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `src/main.ts` as an operator runs it: from the environment, against a SIP server,
// Redis and NATS. Ports 27190-27191.
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const METRICS = 27191;
let server: SipServer;
let router: ServiceProcess;
let dir: string;

const readyz = async (): Promise<number | undefined> => (await fetch(`http://127.0.0.1:${METRICS}/readyz`).catch(() => undefined))?.status;

beforeAll(async () => {
  server = new SipServer({
    admin: { address: '127.0.0.1', port: 0, secret: 'router-main-secret' },
    contacts: [{ protocol: 'udp', host: '127.0.0.1', port: 27190 }],
    logLevel: 'error',
  });
  await server.start();
  dir = mkdtempSync(join(tmpdir(), 'call-router-main-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ domains: { 'main.test': { domain_id: 1, clients: [], trunks: [] } } }));
  router = spawnService(MAIN, {
      DATA_SOURCE: 'json',
      CONFIG_FILE: join(dir, 'config.json'),
      DRACHTIO_HOST: '127.0.0.1',
      DRACHTIO_PORT: String(server.adminPort),
      DRACHTIO_SECRET: 'router-main-secret',
      METRICS_PORT: String(METRICS),
      REDIS_KEY_PREFIX: `test:routermain:${process.pid}:`,
      NATS_SUBJECT_PREFIX: `routermain${process.pid}`,
      CALL_ROUTER_NONCE_SECRET: 'router-main-nonce-secret-0123456789',
      LOGLEVEL: 'warn',
      SHUTDOWN_TIMEOUT_MS: '5000',
      WEBPORT: '0',
      // Other services' variables, all invalid: none of them is the call-router's business.
      RTPENGINE_HOSTS: 'garbage',
      FLOOD_LIMIT: 'lots',
      HOOK_MAX_ATTEMPTS: 'many',
      SIP_PORT: '99999',
  });
});

afterAll(async () => {
  if (router && router.child.exitCode === null) router.child.kill('SIGKILL');
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('main.ts', () => {
  it('attaches to the SIP server, reports ready, exposes its metrics and drains on SIGTERM within the deadline', async () => {
    await until(async () => (await readyz()) === 200, 30_000, `readyz (output: ${router.output()})`);
    const body = (await (await fetch(`http://127.0.0.1:${METRICS}/readyz`)).json()) as { ready: boolean; checks: Record<string, boolean> };
    expect(body).toMatchObject({ ready: true, checks: { accepting: true, attached: true, redis: true, nats: true, sip: true } });
    const metrics = await (await fetch(`http://127.0.0.1:${METRICS}/metrics`)).text();
    expect(metrics).toContain('call_router_active_calls');
    const began = Date.now();
    router.child.kill('SIGTERM');
    expect(await router.exited).toBe(0);
    // Within SHUTDOWN_TIMEOUT_MS, although other services' variables were invalid.
    expect(Date.now() - began).toBeLessThan(5000);
  }, 60_000);

  it('refuses an invalid variable of its own: one PBX_ERR_ENV_INVALID line naming it, exit 1', async () => {
    const bad = spawnService(MAIN, { DIGEST_ALGORITHMS: 'SHA-1', LOGLEVEL: 'warn' });
    expect(await bad.exited).toBe(1);
    expect(bad.output().trim()).toMatch(/^call-router failed to start: PBX_ERR_ENV_INVALID: invalid DIGEST_ALGORITHMS: /);
  }, 60_000);
});
