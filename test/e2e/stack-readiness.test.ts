// `npm run stack:up` returns only when every component is ready, and fails naming the component
// when one is not. Every port of these stacks is moved off its default (29100-29299), their state
// lives in a temporary DRAGON_STATE_DIR, and Redis keys, NATS subjects and the hook stream get a
// random prefix, so they run beside a stack on the default ports. Redis and NATS are the
// machine's; RTPEngine is a private one on a high port, stopped by stack:down.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type Server, createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { READY_TIMEOUT_S, ROOT, type Run, pidsIn, register, running, stack, stackEnvs } from './support/stack-run.js';

const DELAY = fileURLToPath(new URL('./fixtures/delay-start.mjs', import.meta.url));
const envs = stackEnvs();
const stackEnv = envs.env;

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve(server));
  });
}

// A failed assertion must not leave a stack behind.
afterAll(() => envs.cleanup());

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
