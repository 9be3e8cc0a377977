#!/usr/bin/env node
// Lays out compiled workspaces as they run in production: JavaScript from dist/,
// production dependencies only. The Dockerfile runs it for one service; the
// production-build test runs it for all of them, outside Docker.
//
//   node scripts/pack-production.mjs <outDir> <workspace>...   e.g. /out services/call-router
//
// Run `npm run build` first. In <outDir>: the root package.json and package-lock.json,
// every workspace's package.json (so `npm ci` accepts the lock), and for each named
// workspace and the @dragonpbx packages it depends on, the package without its
// sources and tests, its `exports` pointing at dist/*.js instead of src/*.ts. Then
// `npm ci --omit=dev` installs the production dependencies of the named workspaces.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [outArg, ...wanted] = process.argv.slice(2);
if (!outArg || wanted.length === 0) {
  console.error('usage: node scripts/pack-production.mjs <outDir> <workspace>...');
  process.exit(2);
}
const OUT = resolve(outArg);
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const writeJson = (file, value) => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
};

const rootPkg = readJson(join(ROOT, 'package.json'));
/** Workspace directory → its package.json, for every workspace the root declares. */
const workspaces = new Map();
for (const pattern of rootPkg.workspaces) {
  const dirs = pattern.endsWith('/*')
    ? readdirSync(join(ROOT, pattern.slice(0, -2)), { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => `${pattern.slice(0, -2)}/${d.name}`)
    : [pattern];
  for (const dir of dirs) if (existsSync(join(ROOT, dir, 'package.json'))) workspaces.set(dir, readJson(join(ROOT, dir, 'package.json')));
}
const byName = new Map([...workspaces].map(([dir, pkg]) => [pkg.name, dir]));

// The named workspaces and, transitively, the workspaces they need at run time.
const closure = new Set();
const visit = (dir) => {
  if (!workspaces.has(dir)) throw new Error(`not a workspace: ${dir}`);
  if (closure.has(dir)) return;
  closure.add(dir);
  for (const dep of Object.keys(workspaces.get(dir).dependencies ?? {})) if (byName.has(dep)) visit(byName.get(dep));
};
for (const w of wanted) visit(w.replace(/\/+$/, ''));

/** `./src/x.ts` → `./dist/x.js` in an exports map (strings or nested conditions). */
const toDist = (value) => {
  if (typeof value === 'string') return value.replace(/^\.\/src\/(.*)\.ts$/, './dist/$1.js');
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toDist(v)]));
  return value;
};
const SKIP = new Set(['src', 'test', 'node_modules', 'tsconfig.json', 'tsconfig.build.json']);

writeJson(join(OUT, 'package.json'), { ...rootPkg, scripts: {}, devDependencies: {} });
cpSync(join(ROOT, 'package-lock.json'), join(OUT, 'package-lock.json'));
for (const [dir, pkg] of workspaces) {
  if (!closure.has(dir)) {
    writeJson(join(OUT, dir, 'package.json'), pkg);
    continue;
  }
  if (!existsSync(join(ROOT, dir, 'dist'))) throw new Error(`${dir}/dist is missing: run \`npm run build\` first`);
  for (const entry of readdirSync(join(ROOT, dir))) {
    if (SKIP.has(entry) || entry === 'package.json') continue;
    cpSync(join(ROOT, dir, entry), join(OUT, dir, entry), { recursive: true, filter: (src) => !src.endsWith('.tsbuildinfo') });
  }
  writeJson(join(OUT, dir, 'package.json'), { ...pkg, exports: toDist(pkg.exports), scripts: {} });
}

execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', ...[...wanted].flatMap((w) => ['-w', w])], {
  cwd: OUT,
  stdio: ['ignore', 'inherit', 'inherit'],
});
console.log(`packed ${[...closure].join(', ')} into ${OUT}`);
