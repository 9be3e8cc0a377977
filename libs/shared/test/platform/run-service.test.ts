import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { envParsers, envVar, type RunServiceIo, runService, ServiceExit } from '../../src/platform.js';

/** Process plumbing whose exit and signals the test controls. */
function fakeIo(env: Record<string, string> = {}) {
  const signals = new EventEmitter();
  const errors: string[] = [];
  let resolveExit: (code: number) => void = () => {};
  const exited = new Promise<number>((r) => {
    resolveExit = r;
  });
  const codes: number[] = [];
  const io: RunServiceIo = {
    env: { LOGLEVEL: 'silent', METRICS_HOST: '127.0.0.1', METRICS_PORT: '0', ...env },
    exit: (code) => {
      codes.push(code);
      resolveExit(code);
    },
    stderr: (line) => errors.push(line),
    onSignal: (signal, listener) => signals.on(signal, listener),
  };
  return { io, signals, errors, exited, codes };
}

/** A service whose drain never ends. */
const neverDrains = (name: string) => ({
  name,
  env: {},
  defaultOpsPort: 0,
  build: async () => ({ readiness: () => ({}), drain: () => new Promise<void>(() => {}), stop: async () => {} }),
});

const OWN = { DEMO_LIMIT: envVar(envParsers.integer(1, 10), 5, 'A demo limit.') };

describe('runService', () => {
  it('serves /readyz, turns it 503 as soon as shutdown begins, drains, stops and exits 0', async () => {
    const t = fakeIo();
    const order: string[] = [];
    let releaseDrain: () => void = () => {};
    const running = await runService(
      {
        name: 'demo',
        env: OWN,
        defaultOpsPort: 0,
        build: async ({ env }) => {
          expect(env.DEMO_LIMIT).toBe(5);
          return {
            readiness: () => ({ demo: true }),
            drain: () =>
              new Promise<void>((r) => {
                order.push('drain');
                releaseDrain = r;
              }),
            stop: async () => {
              order.push('stop');
            },
          };
        },
      },
      t.io,
    );
    const url = `http://127.0.0.1:${running?.opsPort}/readyz`;
    const ready = await fetch(url);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { demo: true } });
    t.signals.emit('SIGTERM');
    await new Promise((r) => setTimeout(r, 20));
    const draining = await fetch(url);
    expect(draining.status).toBe(503);
    expect(await draining.json()).toEqual({ ready: false, failing: ['running'], checks: { running: false } });
    releaseDrain();
    expect(await t.exited).toBe(0);
    expect(order).toEqual(['drain', 'stop']);
  });

  it('exits 1 with PBX_ERR_SHUTDOWN_TIMEOUT when the drain outlasts SHUTDOWN_TIMEOUT_MS', async () => {
    const t = fakeIo({ SHUTDOWN_TIMEOUT_MS: '200' });
    await runService(neverDrains('stuck'), t.io);
    const began = Date.now();
    t.signals.emit('SIGINT');
    expect(await t.exited).toBe(1);
    expect(Date.now() - began).toBeLessThan(2000);
  });

  it('a second signal exits 1 at once', async () => {
    const t = fakeIo();
    await runService(neverDrains('twice'), t.io);
    t.signals.emit('SIGTERM');
    t.signals.emit('SIGTERM');
    expect(t.codes).toEqual([1]);
  });

  it('an invalid own variable is one PBX_ERR_ENV_INVALID line naming it, and exit 1', async () => {
    const t = fakeIo({ DEMO_LIMIT: 'lots' });
    let built = false;
    await runService({ name: 'demo', env: OWN, defaultOpsPort: 0, build: async () => { built = true; return { readiness: () => ({}), stop: async () => {} }; } }, t.io);
    expect(await t.exited).toBe(1);
    expect(built).toBe(false);
    expect(t.errors).toEqual(['demo failed to start: PBX_ERR_ENV_INVALID: invalid DEMO_LIMIT: expected an integer from 1 to 10, got "lots"']);
  });

  it('a start failure without a code is reported as PBX_ERR_START_FAILED; ServiceExit exits quietly', async () => {
    const t = fakeIo();
    await runService({ name: 'broken', env: {}, defaultOpsPort: 0, build: async () => { throw new Error('boom'); } }, t.io);
    expect(await t.exited).toBe(1);
    expect(t.errors).toEqual(['broken failed to start: PBX_ERR_START_FAILED: boom']);
    const q = fakeIo();
    await runService({ name: 'help', env: {}, defaultOpsPort: 0, build: async () => { throw new ServiceExit(0); } }, q.io);
    expect(await q.exited).toBe(0);
    expect(q.errors).toEqual([]);
  });
});
