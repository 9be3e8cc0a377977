// What each service process loads at boot: the static import graph of its entry module,
// recorded by a module resolve hook (support/record-loads.mjs) in a child process that
// exits before any module runs, so no service starts. @dragonpbx/shared is split into
// subpaths so that a service loads only the heavy dependencies it uses; these tests keep
// it that way. Packages loaded lazily (the pg driver of DATA_SOURCE=pg) are not in the graph.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RECORDER = fileURLToPath(new URL('./support/record-loads.mjs', import.meta.url));
const run = promisify(execFile);

interface Loaded {
  /** npm packages, by name. */
  packages: Set<string>;
  /** @dragonpbx/shared subpaths (barrels) loaded. */
  subpaths: Set<string>;
}

/** Loads `entry` (relative to the repository root) without running it; lists what was loaded. */
async function loadedBy(entry: string): Promise<Loaded> {
  const dir = await mkdtemp(join(tmpdir(), 'module-load-'));
  const out = join(dir, 'loaded.txt');
  try {
    // The first import exits the process: ESM loads the whole static graph before any
    // module evaluates, so every import is recorded and the entry's code never runs.
    const source = `import 'data:text/javascript,process.exit(0)'; import '${pathToFileURL(join(ROOT, entry)).href}';`;
    await run(process.execPath, ['--import', 'tsx', '--import', RECORDER, '--input-type=module', '-e', source], {
      cwd: ROOT,
      env: { ...process.env, LOAD_RECORD_FILE: out },
    });
    const urls = (await readFile(out, 'utf8')).split('\n').filter(Boolean);
    const packages = new Set<string>();
    const subpaths = new Set<string>();
    for (const url of urls) {
      const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
      if (pkg) packages.add(pkg[1]!);
      const barrel = /\/libs\/shared\/src\/([a-z-]+)\.ts$/.exec(url);
      if (barrel) subpaths.add(barrel[1]!);
    }
    return { packages, subpaths };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const HEAVY = ['pg', 'drachtio-srf', 'got', 'bullmq', 'ioredis', 'nats', 'fastify', 'pino', 'prom-client', '@opentelemetry/sdk-node'];
const heavyIn = (loaded: Loaded) => HEAVY.filter((p) => loaded.packages.has(p));

// Each case spawns its own node process; they run side by side.
describe.concurrent('@dragonpbx/shared subpaths load only their own dependencies', () => {
  it.each([
    ['contracts', []],
    ['sip', []],
    // The state stores take a connected ioredis client: they import only its types.
    ['state', []],
    // got and pg are imported when an api or pg source starts.
    ['config', []],
    ['messaging', ['nats']],
    // The poster speaks node:http itself.
    ['webhooks', []],
    ['srf', ['drachtio-srf']],
    ['platform', ['fastify', 'pino', 'prom-client', '@opentelemetry/sdk-node']],
  ])('%s loads %j', async (subpath, heavy) => {
    const loaded = await loadedBy(`libs/shared/src/${subpath}.ts`);
    expect(heavyIn(loaded)).toEqual(heavy);
    expect([...loaded.subpaths]).toEqual([subpath]);
    if (subpath === 'contracts') expect([...loaded.packages]).toEqual(['@sinclair/typebox']);
  });
});

describe.concurrent('each service loads only the shared subpaths it uses', () => {
  it('media-controller: no pg, drachtio-srf, got, bullmq; no state, config, webhooks, srf or sip subpath', async () => {
    const loaded = await loadedBy('services/media-controller/src/main.ts');
    for (const p of ['pg', 'drachtio-srf', 'got', 'bullmq']) expect(loaded.packages).not.toContain(p);
    for (const s of ['state', 'config', 'webhooks', 'srf', 'sip']) expect(loaded.subpaths).not.toContain(s);
    expect(loaded.subpaths).toContain('messaging');
  });

  it('registrar: no pg at boot (DATA_SOURCE=pg loads it when the source starts), no bullmq', async () => {
    const loaded = await loadedBy('services/registrar/src/main.ts');
    for (const p of ['pg', 'bullmq']) expect(loaded.packages).not.toContain(p);
    for (const s of ['config', 'state', 'srf', 'sip']) expect(loaded.subpaths).toContain(s);
  });

  it('hook-dispatcher: no drachtio-srf, no pg; no srf, sip, config or state subpath', async () => {
    const loaded = await loadedBy('services/hook-dispatcher/src/main.ts');
    for (const p of ['pg', 'drachtio-srf']) expect(loaded.packages).not.toContain(p);
    for (const s of ['srf', 'sip', 'config', 'state']) expect(loaded.subpaths).not.toContain(s);
    expect(loaded.packages).toContain('bullmq');
  });

  it('sip-server: none of the application-side libraries (drachtio-srf, nats, ioredis, got, pg, bullmq)', async () => {
    const loaded = await loadedBy('services/sip-server/src/main.ts');
    for (const p of ['drachtio-srf', 'nats', 'ioredis', 'got', 'pg', 'bullmq']) expect(loaded.packages).not.toContain(p);
    for (const s of ['messaging', 'state', 'config', 'webhooks', 'srf']) expect(loaded.subpaths).not.toContain(s);
  });
});
