// `npm run stack:up` returns only when every component is ready, and fails naming the component
// when one is not. Every port of these stacks is moved off its default (29100-29299), their state
// lives in a temporary DRAGON_STATE_DIR, and Redis keys, NATS subjects and the hook stream get a
// random prefix, so they run beside a stack on the default ports. Redis and NATS are the
// machine's; RTPEngine is a private one on a high port, stopped by stack:down.
import { type SpawnOptions, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DELAY = fileURLToPath(new URL('./fixtures/delay-start.mjs', import.meta.url));
/** Generous: the test machine is shared, and a stack of five node processes starts slowly there. */
const READY_TIMEOUT_S = 240;
const tag = randomBytes(4).toString('hex');

/** Every port of one stack, off the defaults; `base` keeps two stacks apart. */
function portsEnv(base: number): Record<string, string> {
  return {
    SIP_PORT: String(base),
    DRACHTIO_PORT: String(base + 1),
    SIP_SERVER_OPS_PORT: String(base + 2),
    REGISTRAR_OPS_PORT: String(base + 3),
    MEDIA_OPS_PORT: String(base + 4),
    HOOK_HTTP_PORT: String(base + 5),
    CALL_ROUTER_OPS_PORT: String(base + 6),
    WEBPORT: String(base + 7),
    HOOKS_PORT: String(base + 8),
    RTPENGINE_PORT: String(base + 9),
    RTP_PORT_MIN: String(base + 20),
    RTP_PORT_MAX: String(base + 49),
  };
}

interface Run {
  code: number | null;
  out: string;
  err: string;
  ms: number;
}

const stateDirs: string[] = [];

function stackEnv(base: number, extra: Record<string, string> = {}): Record<string, string> {
  const state = mkdtempSync(join(tmpdir(), 'stack-state-'));
  stateDirs.push(state);
  return {
    ...portsEnv(base),
    DRAGON_STATE_DIR: state,
    STACK_READY_TIMEOUT: String(READY_TIMEOUT_S),
    REDIS_KEY_PREFIX: `e2e-${tag}:`,
    NATS_SUBJECT_PREFIX: `e2e${tag}`,
    HOOK_SUBJECT_PREFIX: `e2e${tag}`,
    HOOK_STREAM: `E2E_${tag}`,
    HOOK_KEY_PREFIX: `e2e-${tag}-hooks`,
    ...extra,
  };
}

/** Runs `scripts/stack.sh <command>`; `live` sees the output as it comes. */
function stack(command: string, env: Record<string, string>, live?: Run): Promise<Run> {
  const t0 = Date.now();
  const opts: SpawnOptions = { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] };
  const child = spawn('bash', ['scripts/stack.sh', command], opts);
  const run: Run = live ?? { code: null, out: '', err: '', ms: 0 };
  child.stdout?.on('data', (d: Buffer) => {
    run.out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    run.err += d.toString();
  });
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      run.code = code;
      run.ms = Date.now() - t0;
      resolve(run);
    }),
  );
}

/** One REGISTER without credentials; resolves to the status code of the answer, 0 for none. */
function register(sipPort: number): Promise<number> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const done = (status: number) => {
      clearTimeout(timer);
      s.close();
      resolve(status);
    };
    const timer = setTimeout(() => done(0), 2_000);
    s.on('message', (m) => done(Number(m.toString().split(' ', 2)[1])));
    s.bind(0, '127.0.0.1', () => {
      const lp = s.address().port;
      const id = randomBytes(6).toString('hex');
      const msg = [
        `REGISTER sip:127.0.0.1:${sipPort} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${lp};branch=z9hG4bK${id}`,
        'Max-Forwards: 70',
        `From: <sip:1000@127.0.0.1>;tag=${id}`,
        'To: <sip:1000@127.0.0.1>',
        `Call-ID: ${id}@127.0.0.1`,
        'CSeq: 1 REGISTER',
        `Contact: <sip:1000@127.0.0.1:${lp}>`,
        'Expires: 60',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      s.send(msg, sipPort, '127.0.0.1');
    });
  });
}

function pidsIn(state: string): number[] {
  return readdirSync(state)
    .filter((f) => f.endsWith('.pid'))
    .map((f) => Number(readFileSync(join(state, f), 'utf8')));
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve(server));
  });
}

afterAll(async () => {
  // A failed assertion must not leave a stack behind.
  for (const state of stateDirs) {
    if (pidsIn(state).some(running)) await stack('down', { DRAGON_STATE_DIR: state });
    rmSync(state, { recursive: true, force: true });
  }
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const keys = await redis.keys(`e2e-${tag}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('stack:up waits for readiness', () => {
  it('waits for a registrar slowed down by 12 s, then a REGISTER gets 401, not 503', async () => {
    const base = 29100;
    const sipPort = base;
    const env = stackEnv(base, { NODE_OPTIONS: `--import=${DELAY}`, DELAY_START_ENTRY: 'services/registrar/', DELAY_START_MS: '12000' });
    // While stack:up runs, the SIP server is up and the registrar not yet attached: what a
    // phone registering in that window gets.
    const during: number[] = [];
    const live: Run = { code: null, out: '', err: '', ms: 0 };
    let upDone = false;
    const up = stack('up', env, live).finally(() => {
      upDone = true;
    });
    const probing = (async () => {
      while (!upDone) {
        if (live.out.includes('ready  sip-server')) during.push(await register(sipPort));
        await new Promise((r) => setTimeout(r, 300));
      }
    })();
    const upRun = await up;
    await probing;
    expect(upRun.code, upRun.err).toBe(0);
    const afterUp = await register(sipPort);

    // Right after stack:up returned, the phone is challenged by the registrar.
    expect(afterUp).toBe(401);
    // The window was there, and stack:up did not return inside it.
    expect(during).toContain(503);
    for (const name of ['sip-server', 'media-controller', 'hook-dispatcher', 'registrar', 'hooks-app']) {
      expect(upRun.out).toMatch(new RegExp(`ready {2}${name} +http://127\\.0\\.0\\.1:\\d+/readyz`));
    }
    expect(upRun.out).toContain(`SIP_PORT udp+tcp 0.0.0.0:${sipPort}`);
    expect(upRun.ms).toBeGreaterThan(12_000);

    const status = await stack('status', env);
    expect(status.code, status.out).toBe(0);
    expect(status.out).toMatch(/registrar +pid \d+ +yes +http:\/\/127\.0\.0\.1:29103\/readyz/);

    const pids = pidsIn(env.DRAGON_STATE_DIR as string);
    expect(pids.length).toBeGreaterThanOrEqual(6);
    const down = await stack('down', env);
    expect(down.code, down.err).toBe(0);
    expect(pids.filter(running)).toEqual([]);
  }, (READY_TIMEOUT_S + 120) * 1000);
});

describe('stack:up fails naming the component', () => {
  it('a port already taken: stops before anything starts, naming the port, the component and the variable', async () => {
    const env = stackEnv(29200);
    const hooksPort = Number(env.HOOKS_PORT);
    const squatter = await listen(hooksPort);
    try {
      const up = await stack('up', env);
      expect(up.code).toBe(1);
      expect(up.err).toContain(`port ${hooksPort}/tcp`);
      expect(up.err).toContain('hooks-app');
      expect(up.err).toContain('HOOKS_PORT');
      expect(up.err).toContain('nothing was started');
      expect(up.err).not.toContain('starting');
      expect(pidsIn(env.DRAGON_STATE_DIR as string)).toEqual([]);
    } finally {
      await new Promise((r) => squatter.close(r));
    }
  }, 60_000);

  it('a component that exits at start: its name, exit status and last log lines, and the rest stopped', async () => {
    // An invalid registrar setting: the registrar refuses to start (PBX_ERR_REGISTRAR_OPTIONS).
    const env = stackEnv(29250, { STACK_ONLY: 'sip-server registrar', FLOOD_LIMIT: 'many' });
    const up = await stack('up', env);
    expect(up.code).toBe(1);
    expect(up.err).toMatch(/FAILED: registrar exited \(status 1\) before it was ready; last lines of .*registrar\.log:/);
    expect(up.err).toContain('FLOOD_LIMIT');
    expect(up.out).toContain('ready  sip-server');
    expect(pidsIn(env.DRAGON_STATE_DIR as string)).toEqual([]);
    expect(await register(Number(env.SIP_PORT))).toBe(0);
  }, (READY_TIMEOUT_S + 60) * 1000);

  it('a component not ready within STACK_READY_TIMEOUT: named with its last /readyz answer, everything stopped', async () => {
    const env = stackEnv(29250, {
      STACK_ONLY: 'sip-server registrar',
      NODE_OPTIONS: `--import=${DELAY}`,
      DELAY_START_ENTRY: 'services/registrar/',
      DELAY_START_MS: '600000',
    });
    // The SIP server on a stack this size is ready well within the deadline; the registrar never.
    env.STACK_READY_TIMEOUT = '60';
    const up = await stack('up', env);
    expect(up.code).toBe(1);
    expect(up.err).toMatch(/FAILED: registrar not ready within 60 s \(STACK_READY_TIMEOUT\); http:\/\/127\.0\.0\.1:29253\/readyz: no answer/);
    expect(pidsIn(env.DRAGON_STATE_DIR as string)).toEqual([]);
  }, 180_000);
});

describe('npm start', () => {
  it('prints a ready line per component, then "running and ready"; a SIGTERM to npm stops everything', async () => {
    const env = stackEnv(29150);
    const child = spawn('npm', ['start'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const end = Date.now() + (READY_TIMEOUT_S + 60) * 1000;
    while (!err.includes('Dragon PBX running and ready') && child.exitCode === null && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(err, `${err}\n${out.slice(-3000)}`).toContain('Dragon PBX running and ready');
    for (const name of ['sip-server', 'media-controller', 'hook-dispatcher', 'registrar', 'hooks-app']) {
      expect(out).toMatch(new RegExp(`ready {2}${name} +http://127\\.0\\.0\\.1:\\d+/readyz`));
    }
    expect(await register(29150)).toBe(401);

    const state = env.DRAGON_STATE_DIR as string;
    const pids = pidsIn(state);
    expect(pids.length).toBeGreaterThanOrEqual(6);
    // npm hands a SIGTERM to its shell only; the stack notices and stops all it started.
    child.kill('SIGTERM');
    await exited;
    const stopEnd = Date.now() + 30_000;
    while ((pids.some(running) || pidsIn(state).length > 0) && Date.now() < stopEnd) await new Promise((r) => setTimeout(r, 250));
    expect(pids.filter(running)).toEqual([]);
    expect(pidsIn(state)).toEqual([]);
    expect(existsSync(join(state, 'registrar.log'))).toBe(true);
  }, (READY_TIMEOUT_S + 120) * 1000);
});
