/**
 * The production layout the benchmark runs by default: every service compiled
 * (`npm run build`) and packed as the Dockerfile packs it
 * (`scripts/pack-production.mjs`: dist/ only, production dependencies), each
 * started with plain `node` — no tsx loader, no source maps, no esbuild
 * name-keeping helpers in the hot path. The bench's own TypeScript that runs
 * as an application (the baseline and floor B2BUAs, the GC wrapper) is transpiled
 * to JavaScript without type checking and placed in the packed tree, so every
 * path runs plain JavaScript against the same production dependencies.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';

/** Where each process of the bench starts from. */
export interface Entrypoints {
  /** How it was built, for the results page. */
  readonly mode: 'production' | 'source';
  /** Node flags before the script (`--import tsx` in source mode). */
  readonly nodeFlags: readonly string[];
  readonly sipServer: string;
  readonly mediaController: string;
  readonly callRouter: string;
  readonly routerGcMain: string;
  readonly baseline: string;
  /** The architecture floor (floor-b2bua.ts). */
  readonly floor: string;
}

const SERVICES = ['services/sip-server', 'services/media-controller', 'services/call-router'];

/** TypeScript sources run through tsx (`--source`): what the tests run. */
export function sourceEntrypoints(root: string): Entrypoints {
  return {
    mode: 'source',
    nodeFlags: ['--import', 'tsx'],
    sipServer: join(root, 'services/sip-server/src/main.ts'),
    mediaController: join(root, 'services/media-controller/src/main.ts'),
    callRouter: join(root, 'services/call-router/src/main.ts'),
    routerGcMain: join(root, 'bench/call-router/router-gc-main.ts'),
    baseline: join(root, 'bench/call-router/baseline-b2bua.ts'),
    floor: join(root, 'bench/call-router/floor-b2bua.ts'),
  };
}

/** Builds, packs and transpiles; `log` narrates the (minute-long) steps. */
export function productionEntrypoints(root: string, log: (s: string) => void, build = true): Entrypoints {
  if (build) {
    log('npm run build');
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  // One packed tree per checkout: a run from another worktree must not replace this one's files under it.
  const packed = join(tmpdir(), `dragonpbx-bench-production-${createHash('sha256').update(resolve(root)).digest('hex').slice(0, 8)}`);
  rmSync(packed, { recursive: true, force: true });
  log(`packing ${SERVICES.join(', ')} into ${packed}`);
  execFileSync(process.execPath, [join(root, 'scripts/pack-production.mjs'), packed, ...SERVICES], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // Inside the packed tree, so their imports resolve from its production node_modules.
  const out = join(packed, 'bench');
  mkdirSync(out, { recursive: true });
  const transpile = (name: string) => {
    const src = readFileSync(join(root, 'bench/call-router', `${name}.ts`), 'utf8');
    const js = ts.transpileModule(src, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    }).outputText;
    const file = join(out, `${name}.mjs`);
    writeFileSync(file, js);
    return file;
  };
  const entry: Entrypoints = {
    mode: 'production',
    nodeFlags: [],
    sipServer: resolve(packed, 'services/sip-server/dist/main.js'),
    mediaController: resolve(packed, 'services/media-controller/dist/main.js'),
    callRouter: resolve(packed, 'services/call-router/dist/main.js'),
    routerGcMain: transpile('router-gc-main'),
    baseline: transpile('baseline-b2bua'),
    floor: transpile('floor-b2bua'),
  };
  // The build and the pack leave hundreds of MB of dirty pages: written back while a phase
  // runs, they would add the kernel's writeback to its latencies (seen as post-dial delay tails).
  log('sync (write back the build before measuring)');
  execFileSync('sync', { stdio: 'ignore' });
  return entry;
}
