// Every service starts from its compiled dist/ with production dependencies only: the
// Dockerfile's commands run outside Docker. `tsc -b` builds every package, then
// scripts/pack-production.mjs lays the services out as an image holds them (no sources,
// exports pointing at dist/, `npm ci --omit=dev`), and the whole stack runs from that
// tree with plain node (STACK_DIST), no tsx. Ports 29700-29749.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READY_TIMEOUT_S, ROOT, pidsIn, register, running, stack, stackEnvs } from './support/stack-run.js';

const run = promisify(execFile);
const WORKSPACES = ['services/sip-server', 'services/registrar', 'services/call-router', 'services/media-controller', 'services/hook-dispatcher', 'examples/hooks-app'];
const envs = stackEnvs();
const packed = mkdtempSync(join(tmpdir(), 'dragonpbx-production-'));

beforeAll(async () => {
  await run('npx', ['tsc', '-b', 'tsconfig.build.json'], { cwd: ROOT, timeout: 300_000 });
  await run(process.execPath, ['scripts/pack-production.mjs', packed, ...WORKSPACES], { cwd: ROOT, timeout: 300_000 });
}, 600_000);

afterAll(async () => {
  await envs.cleanup();
  rmSync(packed, { recursive: true, force: true });
});

/** Every file under `dir`, relative to it, without descending into node_modules. */
function files(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = join(prefix, e.name);
    if (e.name === 'node_modules') return [];
    return e.isDirectory() ? files(dir, rel) : [rel];
  });
}

describe('the production tree', () => {
  it('holds compiled JavaScript, no TypeScript sources or tests, and only production dependencies', () => {
    for (const ws of [...WORKSPACES, 'libs/shared']) {
      const own = files(join(packed, ws));
      expect(own, ws).toContain('dist/main.js'.replace('main', ws === 'libs/shared' ? 'platform' : 'main'));
      expect(own.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')), ws).toEqual([]);
      expect(own.some((f) => f.startsWith('src/') || f.startsWith('test/')), ws).toBe(false);
      const exportsMap = JSON.parse(readFileSync(join(packed, ws, 'package.json'), 'utf8')).exports as Record<string, string>;
      for (const target of Object.values(exportsMap)) expect(target, ws).toMatch(/^\.\/dist\/.*\.js$/);
    }
    expect(existsSync(join(packed, 'libs/shared/migrations'))).toBe(true);
    for (const dev of ['typescript', 'tsx', 'vitest', 'turbo', 'knip', '@biomejs/biome']) {
      expect(existsSync(join(packed, 'node_modules', dev)), `${dev} must not be installed`).toBe(false);
    }
  });

  it('runs the whole stack with plain node from dist/: every service ready, a REGISTER challenged, SIGTERM stops all', async () => {
    const env = envs.env(29700, { STACK_DIST: packed });
    const up = await stack('up', env);
    expect(up.code, `${up.err}\n${up.out.slice(-3000)}`).toBe(0);
    for (const name of ['sip-server', 'media-controller', 'hook-dispatcher', 'registrar', 'call-router', 'hooks-app']) {
      expect(up.out).toMatch(new RegExp(`ready {2}${name} +http://127\\.0\\.0\\.1:\\d+/readyz`));
    }
    const state = env.DRAGON_STATE_DIR as string;
    const services = readdirSync(state).filter((f) => f.endsWith('.pid') && f !== 'rtpengine.pid');
    expect(services.length).toBe(6);
    for (const f of services) {
      const pid = Number(readFileSync(join(state, f), 'utf8'));
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      expect(argv.find((a) => a.endsWith('/dist/main.js')), f).toMatch(new RegExp(`^${packed}/.*/dist/main\\.js$`));
      expect(argv.join(' '), f).not.toContain('tsx');
    }
    expect(await register(29700)).toBe(401);

    const pids = pidsIn(state);
    const down = await stack('down', env);
    expect(down.code, down.err).toBe(0);
    expect(pids.filter(running)).toEqual([]);
  }, (READY_TIMEOUT_S + 120) * 1000);
});
