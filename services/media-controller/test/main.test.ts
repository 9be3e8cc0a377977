import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { MediaClient, createSubjects } from '@dragonpbx/shared/messaging';
import { type NatsConnection, connect } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCall } from './support/harness.js';
import { PCMU, audioSdp } from './support/sdp.js';

// The real entry point, run from the environment as an operator would.

const root = fileURLToPath(new URL('../../..', import.meta.url));
const MAIN = 'services/media-controller/src/main.ts';
const prefix = `t${randomBytes(6).toString('hex')}`;

function run(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', LOGLEVEL: 'info', METRICS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Bad values of variables that belong to other services. */
const OTHER_SERVICES_GARBAGE = {
  DRACHTIO_PORT: 'not-a-port',
  FLOOD_LIMIT: 'lots',
  REGISTRATION_MIN_SECS: 'soon',
  HOOK_MAX_ATTEMPTS: 'many',
  DB_PORT: 'x',
  DATA_SOURCE: 'floppy',
  SIP_PORT: '99999',
};

let child: ChildProcess;
let opsPort = 0;
let nc: NatsConnection;

beforeAll(async () => {
  nc = await connect({ servers: '127.0.0.1:4222' });
  child = run({
    RTPENGINE_HOST: '127.0.0.1',
    RTPENGINE_PORT: '22222',
    NATS_URL: 'nats://127.0.0.1:4222',
    REDIS_URL: 'redis://127.0.0.1:6379',
    NATS_SUBJECT_PREFIX: prefix,
    REDIS_KEY_PREFIX: `test:${prefix}:`,
    SHUTDOWN_TIMEOUT_MS: '5000',
    // Other services' variables, all invalid: none of them is the media-controller's business.
    ...OTHER_SERVICES_GARBAGE,
  });
  opsPort = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no ready line:\n${out}`)), 40_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"opsPort":(\d+).*media-controller ready/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
  });
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await exitOf(child);
  }
  await nc?.drain();
});

describe('main.ts', () => {
  it('serves media RPC from the environment and exposes /healthz, /readyz and /metrics', async () => {
    const client = new MediaClient({ subjects: createSubjects({ prefix }) }, { nc });
    const call = newCall();
    const offered = await client.offer({ callId: call.callId, fromTag: call.fromTag, sdp: audioSdp(40_000, [PCMU]) });
    expect(offered.engine).toBe('127.0.0.1:22222');
    await expect(client.delete({ callId: call.callId })).resolves.toEqual({ deleted: true });

    const base = `http://127.0.0.1:${opsPort}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { nats: true, rtpengine: true, redis: true } });
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/dragon_media_engine_up\{[^}]*engine="127\.0\.0\.1:22222"[^}]*\} 1/);
    expect(text).toMatch(/dragon_media_requests_total\{[^}]*op="offer"[^}]*result="ok"/);
    expect(text).toMatch(/dragon_media_ng_seconds_bucket\{[^}]*command="offer"/);
  });

  it('stops cleanly on SIGTERM, within its shutdown deadline', async () => {
    const began = Date.now();
    child.kill('SIGTERM');
    expect(await exitOf(child)).toBe(0);
    expect(Date.now() - began).toBeLessThan(5000);
  });

  it('started although other services\' variables were invalid', () => {
    // beforeAll waited for the ready line with OTHER_SERVICES_GARBAGE in the environment.
    expect(opsPort).toBeGreaterThan(0);
  });

  it('refuses a bad variable with its name and exit status 1', async () => {
    const bad = run({ MEDIA_PLACEMENT: 'random', NATS_URL: 'nats://127.0.0.1:4222' });
    let err = '';
    bad.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
    });
    expect(await exitOf(bad)).toBe(1);
    expect(err).toMatch(/PBX_ERR_ENV_INVALID: invalid MEDIA_PLACEMENT/);
  }, 60_000);
});
