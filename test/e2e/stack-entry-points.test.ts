// The local stack as `npm start` runs it: the SIP server and the registrar started
// from their entry points with the example config, and a phone registering with
// the SIPp command from the README. Ports 29000-29099.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SIP_PORT = 29060;
const ADMIN_PORT = 29022;
const METRICS_PORT = 29402;
const PHONE_PORT = 29070;
const prefix = `e2e-${randomBytes(4).toString('hex')}:`;

const children: ChildProcess[] = [];
let output = '';

function start(entry: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  children.push(child);
  return child;
}

async function waitFor(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} not ready within ${ms} ms; output so far:\n${output.slice(-4000)}`);
}

function sipp(args: string[]): Promise<number> {
  const cwd = mkdtempSync(join(tmpdir(), 'sipp-e2e-'));
  return new Promise((resolve) => {
    const p = spawn('sipp', args, { cwd, stdio: 'ignore' });
    p.once('exit', (code) => resolve(code ?? -1));
  });
}

describe('local stack entry points', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

  beforeAll(async () => {
    start('services/sip-server/src/main.ts', [
      '--contact', `sip:127.0.0.1:${SIP_PORT};transport=udp,tcp`,
      '--address', '127.0.0.1',
      '--port', String(ADMIN_PORT),
    ], {});
    start('services/registrar/src/main.ts', [], {
      DRACHTIO_HOST: '127.0.0.1',
      DRACHTIO_PORT: String(ADMIN_PORT),
      DATA_SOURCE: 'json',
      CONFIG_FILE: join(ROOT, 'config/config.json'),
      METRICS_PORT: String(METRICS_PORT),
      REDIS_KEY_PREFIX: prefix,
      DIGEST_ALGORITHMS: 'MD5,SHA-256',
      LOGLEVEL: 'info',
    });
    await waitFor(async () => (await fetch(`http://127.0.0.1:${METRICS_PORT}/readyz`)).ok, 90_000, 'registrar');
  }, 120_000);

  afterAll(async () => {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('registers a phone with the README SIPp command and stores its contact in Redis', async () => {
    const code = await sipp([
      `127.0.0.1:${SIP_PORT}`, '-sf', join(ROOT, 'examples/sipp/register.xml'),
      '-s', '1000', '-au', '1000', '-ap', 'password1000', '-m', '1', '-i', '127.0.0.1', '-p', String(PHONE_PORT),
      '-timeout', '20s', '-timeout_error', '-nostdin',
    ]);
    expect(code, output.slice(-2000)).toBe(0);
    const keys = await redis.keys(`${prefix}*1000*`);
    expect(keys.length).toBeGreaterThan(0);
    const dump = (await Promise.all(keys.map(async (k) => ((await redis.type(k)) === 'hash' ? JSON.stringify(await redis.hgetall(k)) : '')))).join();
    expect(dump).toContain(`127.0.0.1:${PHONE_PORT}`);
  });

  it('refuses a wrong password', async () => {
    const code = await sipp([
      `127.0.0.1:${SIP_PORT}`, '-sf', join(ROOT, 'examples/sipp/register.xml'),
      '-s', '1001', '-au', '1001', '-ap', 'wrong', '-m', '1', '-i', '127.0.0.1', '-p', String(PHONE_PORT + 1),
      '-timeout', '20s', '-timeout_error', '-nostdin',
    ]);
    // SIPp exits 1 when the call fails: the scenario expects 200 and gets 403.
    expect(code).toBe(1);
    expect(await redis.keys(`${prefix}*1001*`)).toEqual([]);
  });
});
