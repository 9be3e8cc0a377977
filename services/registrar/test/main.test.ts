import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_ENV, parseEnv } from '@dragonpbx/shared/platform';
import { SipServer } from '@dragonpbx/sip-server';
import { type ServiceProcess, spawnService } from '@dragonpbx/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registrarEnvOptions } from '../src/env-options.js';
import { REGISTRAR_ENV } from '../src/registrar-env.js';
import { DOMAIN, defaultConfig, until } from './helpers/harness.js';
import { RegisterUa } from '@dragonpbx/testkit';

// `src/main.ts` as an operator runs it: from the environment, against a SIP server.
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const METRICS = 27091;
let server: SipServer;
let registrar: ServiceProcess;
let dir: string;

beforeAll(async () => {
  server = new SipServer({
    admin: { address: '127.0.0.1', port: 0, secret: 'main-test-secret' },
    contacts: [{ protocol: 'udp', host: '127.0.0.1', port: 27090 }],
    logLevel: 'error',
  });
  await server.start();
  dir = mkdtempSync(join(tmpdir(), 'registrar-main-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(defaultConfig('http://127.0.0.1:1/none')));
  registrar = spawnService(MAIN, {
      DATA_SOURCE: 'json',
      CONFIG_FILE: join(dir, 'config.json'),
      DRACHTIO_HOST: '127.0.0.1',
      DRACHTIO_PORT: String(server.adminPort),
      DRACHTIO_SECRET: 'main-test-secret',
      METRICS_PORT: String(METRICS),
      REDIS_KEY_PREFIX: `test:regmain:${process.pid}:`,
      REGISTRAR_NONCE_SECRET: 'main-test-nonce-secret-0123456789',
      LOGLEVEL: 'warn',
      SHUTDOWN_TIMEOUT_MS: '5000',
      // Other services' variables, all invalid: none of them is the registrar's business.
      RTPENGINE_HOSTS: 'garbage',
      MEDIA_PLACEMENT: 'random',
      HOOK_MAX_ATTEMPTS: 'many',
      SIP_PORT: '99999',
      WEBPORT: 'web',
  });
});

afterAll(async () => {
  if (registrar && registrar.child.exitCode === null) registrar.child.kill('SIGKILL');
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('main.ts', () => {
  it('connects, reports ready, challenges a REGISTER, exposes metrics and stops on SIGTERM', async () => {
    await until(
      async () => (await fetch(`http://127.0.0.1:${METRICS}/readyz`).catch(() => undefined))?.status === 200,
      20_000,
      `readyz (output: ${registrar.output()})`,
    );
    const ua = await RegisterUa.open(27090);
    const r = await ua.register({ domain: DOMAIN, user: '1001' });
    ua.close();
    expect(r?.status).toBe(401);
    const metrics = await (await fetch(`http://127.0.0.1:${METRICS}/metrics`)).text();
    expect(metrics).toMatch(/dragon_registrar_registers_total\{[^}]*status="401"[^}]*\} 1/);
    const began = Date.now();
    registrar.child.kill('SIGTERM');
    expect(await registrar.exited).toBe(0);
    // Within SHUTDOWN_TIMEOUT_MS, although other services' variables were invalid.
    expect(Date.now() - began).toBeLessThan(5000);
  });

  it('refuses an invalid variable of its own: one PBX_ERR_ENV_INVALID line naming it, exit 1', async () => {
    const bad = spawnService(MAIN, { FLOOD_LIMIT: 'lots', LOGLEVEL: 'warn' });
    expect(await bad.exited).toBe(1);
    expect(bad.output().trim()).toBe('registrar failed to start: PBX_ERR_ENV_INVALID: invalid FLOOD_LIMIT: expected an integer from 0 to 1000000, got "lots"');
  }, 60_000);
});

describe('registrarEnvOptions', () => {
  const schema = { ...BASE_ENV, ...REGISTRAR_ENV };
  const fromVars = (vars: Record<string, string>) => registrarEnvOptions(parseEnv(schema, { INSTANCE_ID: 'x1', ...vars }));
  it('reads the flood, scanner and secret variables', () => {
    const o = fromVars({ FLOOD_LIMIT: '40', FLOOD_BAN_SECS: '60', SCANNER_USER_AGENTS: 'none', FLOOD_TRUSTED_CIDRS: '10.0.0.0/8, 192.0.2.1' });
    expect(o.registrar.flood).toEqual({ enabled: true, limit: 40, windowMs: 2000, banMs: 60_000 });
    expect(o.registrar.scannerAgents).toEqual([]);
    expect(o.registrar.trustedCidrs).toEqual(['10.0.0.0/8', '192.0.2.1']);
    expect(o.derivedNonceSecret).toBe(true);
    expect(o.registrar.nonceSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(fromVars({ DIGEST_ALGORITHMS: 'md5, SHA-256' }).registrar.algorithms).toEqual(['MD5', 'SHA-256']);
  });
  it('names the bad variable', () => {
    expect(() => fromVars({ FLOOD_LIMIT: 'lots' })).toThrow(/FLOOD_LIMIT/);
    expect(() => fromVars({ FLOOD_PROTECTION: 'maybe' })).toThrow(/FLOOD_PROTECTION/);
  });
});
