import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isolation, NATS_URL, REDIS_URL } from './helpers/infra.js';

// `src/main.ts` as an operator runs it: the shared runner's start, /readyz and SIGTERM path.
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const MAIN = 'services/hook-dispatcher/src/main.ts';

function run(env: Record<string, string | undefined>): { child: ChildProcess; out: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, LOGLEVEL: 'info', METRICS_HOST: '127.0.0.1', METRICS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out: () => out, exited };
}

async function opsPortOf(p: ReturnType<typeof run>, timeoutMs = 60_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const m = /"opsPort":(\d+)[^\n]*"msg":"hook-dispatcher ready"/.exec(p.out());
    if (m) return Number(m[1]);
    if (p.child.exitCode !== null) throw new Error(`exited ${p.child.exitCode}: ${p.out()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ready line: ${p.out()}`);
}

const started: ReturnType<typeof run>[] = [];
afterAll(() => {
  for (const p of started) if (p.child.exitCode === null) p.child.kill('SIGKILL');
});

describe('main.ts', () => {
  it('starts although other services\' variables are invalid, serves /readyz, drains and exits 0 on SIGTERM within its deadline', async () => {
    const iso = isolation();
    const p = run({
      REDIS_URL,
      NATS_URL,
      NATS_SUBJECT_PREFIX: iso.subjectPrefix,
      HOOK_STREAM: iso.streamName,
      HOOK_CONSUMER: iso.consumerName,
      HOOK_QUEUE: iso.queueName,
      HOOK_KEY_PREFIX: iso.keyPrefix,
      SHUTDOWN_TIMEOUT_MS: '5000',
      // Other services' variables, all invalid.
      FLOOD_LIMIT: 'lots',
      RTPENGINE_HOSTS: 'garbage',
      DRACHTIO_PORT: 'not-a-port',
      DATA_SOURCE: 'floppy',
      REGISTRATION_MIN_SECS: 'soon',
    });
    started.push(p);
    const port = await opsPortOf(p);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { intake: true, redis: true, nats: true } });
    // The operator API shares the ops port.
    expect((await fetch(`http://127.0.0.1:${port}/deadletters`)).status).toBe(200);
    const began = Date.now();
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(Date.now() - began).toBeLessThan(5000);
    expect(p.out()).toContain('hook-dispatcher stopped');
  }, 120_000);

  it('refuses an invalid variable of its own: one PBX_ERR_ENV_INVALID line naming it, exit 1', async () => {
    const p = run({ HOOK_MAX_ATTEMPTS: '1000' });
    started.push(p);
    expect(await p.exited).toBe(1);
    expect(p.out().trim()).toBe('hook-dispatcher failed to start: PBX_ERR_ENV_INVALID: invalid HOOK_MAX_ATTEMPTS: expected an integer from 1 to 100, got "1000"');
  }, 60_000);
});
