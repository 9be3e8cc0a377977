/**
 * Call-router benchmark: SIPp caller → sip-server → call-router (CallHook
 * answering `connect` to a SIP URI, status events to JetStream, media anchored
 * in RTPEngine through the media-controller) → SIPp callee, next to the same
 * load through the same sip-server and RTPEngine answered by a minimal
 * drachtio-srf B2BUA that calls RTPEngine itself (baseline-b2bua.ts), in the
 * same run.
 *
 *   node --import tsx bench/call-router/run.ts [--quick] [--only rate,pdd,live,memory]
 *        [--step-seconds 10] [--start-rate 50] [--max-rate 1600] [--pdd-rate 50] [--pdd-seconds 30]
 *        [--live-calls 2000] [--live-rate 200] [--memory-calls 20000] [--memory-rate 200]
 *        [--rtpengine 127.0.0.1:22222 | --own-rtpengine 29390:40000-49999] [--cpu-prof DIR] [--heap-prof DIR] [--out FILE]
 *        [--source | --no-build] [--paths pbx,baseline,floor]
 *
 * Measures, for the call-router ("pbx") and the baseline:
 *   rate    the highest offered rate of 1 s calls with zero failed calls (each
 *           step offers rate × step-seconds calls; rates double from
 *           start-rate until a step fails, then a binary search to within 5 %),
 *           and the CPU each process used per call in those steps; also for
 *           the "architecture floor" (floor-b2bua.ts: the baseline plus the
 *           per-call CallHook, media-controller, JetStream and Redis I/O the
 *           architecture requires, without the call-router's code);
 *   pdd     post-dial delay at a fixed pdd-rate: the caller logs the wall
 *           clock when it sends each INVITE, the callee when that call's
 *           INVITE arrives (SIPp gettimeofday + -trace_logs; the B leg carries
 *           the caller's From user, c<call number>, which pairs the two);
 *           p50/p99/max. Both SIPp run on this host, so the two clocks are one;
 *           the loopback hop into the sip-server is in both paths;
 *   live    RSS and live heap (after a forced full GC) of the application
 *           process, before and with live-calls long calls up, per live call;
 *   memory  (pbx only) live heap before and after memory-calls calls, and the
 *           keys left under the run's Redis key prefix afterwards (call
 *           summaries, call indexes, media affinity: there should be none).
 *
 * By default every process runs as in production (production.ts: `npm run
 * build`, the services packed by scripts/pack-production.mjs, plain `node`;
 * the baseline and the floor transpiled the same way); `--no-build` reuses the last build,
 * `--source` runs the TypeScript sources through tsx as the tests do.
 * `--paths` runs only the listed paths (an A/B of one path; the ratios need pbx and baseline);
 * BENCH_PBX_FLAGS="<node flags>" adds flags to the call-router's, BENCH_BASELINE_FLAGS to the
 * baseline's (an A/B of V8 settings).
 *
 * `--quick` shortens every phase (a smoke run). `--heap-prof DIR` writes V8
 * sampling heap profiles (allocations by call site) of the call-router the
 * same way. `--cpu-prof DIR` writes V8
 * CPU profiles of every call-router and baseline process into DIR/<phase>/<pbx|baseline>/ (Node names
 * them by pid and thread; thread 0 is the main thread, the others tsx's
 * loader; the profile includes start-up, so compare traffic frames only).
 *
 * RTPEngine: a call anchored without RTP holds 4 ports (2 per side, RTP and
 * RTCP) until deleted, so live-calls needs 4 × live-calls free ports; an
 * engine with --port-min/max 30000–34999 holds about 1 200. `--own-rtpengine
 * ng:min-max` starts one for the run (both paths use it).
 *
 * Needs Redis and NATS (JetStream) on 127.0.0.1 and sipp on PATH. Ports
 * 29300–29399. Everything it starts is stopped, its Redis keys and its
 * JetStream stream removed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSubjects } from '@dragonpbx/shared/messaging';
import { Redis } from 'ioredis';
import { connect } from 'nats';
import { Client as NgClient } from 'rtpengine-client';
import { startRtpEngine } from '../../services/media-controller/test/support/rtpengine-process.js';
import { machineCpuMs, pidsNamed, processCpuMs, rssBytes } from '../lib/proc-stats.js';
import { reap } from '../lib/reap-children.js';
import { runMain } from '../lib/run-main.js';
import { type Entrypoints, productionEntrypoints, sourceEntrypoints } from './production.js';
import { okRun, type RateResult, renderRate, type Step, verdict } from './rate-report.js';
import { BENCH_DOMAIN, runUac, startUas, type UacRun, type Uas } from './sipp.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const text = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const num = (name: string, full: number, quick: number) => Number(text(name) ?? (QUICK ? quick : full));
const STEP_SECONDS = num('step-seconds', 10, 4);
const START_RATE = num('start-rate', 50, 50);
const MAX_RATE = num('max-rate', 1600, 400);
const PDD_RATE = num('pdd-rate', 50, 50);
const PDD_SECONDS = num('pdd-seconds', 30, 10);
const LIVE_CALLS = num('live-calls', 2000, 300);
const LIVE_RATE = num('live-rate', 200, 100);
const MEMORY_CALLS = num('memory-calls', 20_000, 2000);
const MEMORY_RATE = num('memory-rate', 200, 100);
const HOLD_MS = 1000;
const PHASES = new Set((text('only') ?? 'rate,pdd,live,memory').split(','));
/** Which paths run (an A/B of one path's code needs no other); the report compares only what ran. */
const PATHS = new Set((text('paths') ?? 'pbx,baseline,floor').split(','));
const CPU_PROF = text('cpu-prof');
const HEAP_PROF = text('heap-prof');
const OUT = resolve(ROOT, text('out') ?? 'bench/results/call-router.md');
const OWN_ENGINE = text('own-rtpengine');
let engine = text('rtpengine') ?? '127.0.0.1:22222';
const SOURCE = argv.includes('--source');
const BUILD = !argv.includes('--no-build');
/** Set in main() before anything starts. */
let entry: Entrypoints;

const PORTS = {
  sip: 29300, admin: 29301, sipMetrics: 29302, mediaOps: 29303, routerOps: 29304, hook: 29305,
  uac: 29310, uacMedia: 29312, uas: 29320, uasMedia: 29322,
};
const SECRET = 'bench-secret';
const DEST = `sip:uas@127.0.0.1:${PORTS.uas}`;
const TARGET = `127.0.0.1:${PORTS.sip}`;
const RUN_ID = randomBytes(4).toString('hex');
const KEY_PREFIX = `bench:cr:${RUN_ID}:`;
const SUBJECT_PREFIX = `bcr${RUN_ID}`;
const hookUrl = (p: string) => `http://127.0.0.1:${PORTS.hook}${p}`;
/** The caller's trunk: SIPp calls from 127.0.0.1, a trunk by source address, so no digest and no registration. */
const TRUNK = { id: 1, name: 'sipp', inbound: ['127.0.0.1/32'], codecs: ['PCMU'], dialplan: { '9*': { callHook: hookUrl('/call'), statusHook: hookUrl('/status') } } };
/** The trunk as the CallHook body's `source` shows it (toTrunkSource of the loaded trunk: options_ping defaults to true). */
const trunkSource = () => ({ ...TRUNK, options_ping: true });

const log = (s: string) => process.stdout.write(`${new Date().toISOString()} ${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (bytes: number) => (Number.isFinite(bytes) ? (bytes / 1048576).toFixed(1) : '?');

type Kind = 'pbx' | 'baseline' | 'floor';
/** The call-router's node flags as `npm start` (scripts/stack.sh) and its image run it. */
const CALL_ROUTER_NODE_FLAGS = ['--single-threaded-gc', '--max-semi-space-size=32'];

function node(name: string, script: string, args: string[], env: NodeJS.ProcessEnv, flags: string[] = []): ChildProcess {
  const child = reap(
    spawn(process.execPath, [...flags, ...entry.nodeFlags, script, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(`[${name}] ${d}`));
  return child;
}

async function until(check: () => Promise<boolean> | boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await Promise.resolve().then(check).catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(t);
      r();
    });
    child.kill('SIGTERM');
  });
}

async function metric(port: number, name: string): Promise<number> {
  const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const m = new RegExp(`^\\w*${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(body);
  return m ? Number(m[1]) : Number.NaN;
}

/** The application under test (call-router or baseline), in its own process. */
interface App {
  readonly kind: Kind;
  readonly child: ChildProcess;
  /** Forces a full GC in the process and returns heapUsed right after it (and, for the baseline and the floor, its live-call count). */
  gc(): Promise<{ heap: number; live: number }>;
}

async function startApp(kind: Kind, configFile: string, phase: string): Promise<App> {
  let child: ChildProcess;
  const prof = [
    ...(CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${resolve(CPU_PROF, phase, kind)}`] : []),
    ...(HEAP_PROF ? ['--heap-prof', `--heap-prof-dir=${resolve(HEAP_PROF, phase, kind)}`] : []),
  ];
  if (kind === 'pbx') {
    child = node('call-router', entry.routerGcMain, [], {
      CALL_ROUTER_MAIN: entry.callRouter,
      // BENCH_LOGLEVEL=warn shows why calls fail (each failure is logged with its PBX_ERR_ code).
      LOGLEVEL: process.env.BENCH_LOGLEVEL ?? 'error',
      INSTANCE_ID: `bench-cr-${RUN_ID}`,
      METRICS_PORT: String(PORTS.routerOps),
      METRICS_HOST: '127.0.0.1',
      DATA_SOURCE: 'json',
      CONFIG_FILE: configFile,
      DRACHTIO_HOST: '127.0.0.1',
      DRACHTIO_PORT: String(PORTS.admin),
      DRACHTIO_SECRET: SECRET,
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: KEY_PREFIX,
      NATS_URL: 'nats://127.0.0.1:4222',
      NATS_SUBJECT_PREFIX: SUBJECT_PREFIX,
      CALL_ROUTER_NONCE_SECRET: 'bench-call-router-nonce-secret-0123',
      CALL_DRAIN_TIMEOUT_MS: '1000',
      SHUTDOWN_TIMEOUT_MS: '8000',
      WEBPORT: '0',
    }, ['--expose-gc', ...CALL_ROUTER_NODE_FLAGS, ...prof, ...(process.env.BENCH_PBX_FLAGS?.split(' ').filter(Boolean) ?? [])]);
  } else if (kind === 'floor') {
    // The call-router's settings for what the floor talks to (NATS, Redis, the hooks of the trunk's dialplan entry).
    child = node('floor', entry.floor, [String(PORTS.admin), SECRET], {
      INSTANCE_ID: `bench-floor-${RUN_ID}`,
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: KEY_PREFIX,
      NATS_URL: 'nats://127.0.0.1:4222',
      NATS_SUBJECT_PREFIX: SUBJECT_PREFIX,
      FLOOR_CALL_HOOK: hookUrl('/call'),
      FLOOR_STATUS_HOOK: hookUrl('/status'),
      FLOOR_SOURCE: JSON.stringify(trunkSource()),
      // The call-router's V8 flags: the floor stays the best a call-router process could do.
    }, ['--expose-gc', ...CALL_ROUTER_NODE_FLAGS, ...prof]);
  } else {
    // rtpengine-client reads UDP_RECV_BUFSIZE: the same 4 MB receive buffer the media-controller's ng socket asks for,
    // so a burst of ng replies overflowing the default buffer does not cap the baseline's rate.
    child = node('baseline', entry.baseline, [String(PORTS.admin), SECRET, DEST, engine], { UDP_RECV_BUFSIZE: String(4 * 1024 * 1024) }, ['--expose-gc', ...prof, ...(process.env.BENCH_BASELINE_FLAGS?.split(' ').filter(Boolean) ?? [])]);
  }
  let out = '';
  const waiters: ((line: string) => boolean)[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    let nl = out.indexOf('\n');
    while (nl >= 0) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      const i = waiters.findIndex((w) => w(line));
      if (i >= 0) waiters.splice(i, 1);
      else if (!line.startsWith('gc done')) process.stderr.write(`[${kind}] ${line}\n`);
      nl = out.indexOf('\n');
    }
  });
  const next = (test: (line: string) => boolean, ms: number) =>
    new Promise<string>((res, rej) => {
      const t = setTimeout(() => rej(new Error(`${kind}: no line matching in ${ms} ms`)), ms);
      waiters.push((line) => {
        if (!test(line)) return false;
        clearTimeout(t);
        res(line);
        return true;
      });
    });
  if (kind === 'pbx') await until(async () => (await fetch(`http://127.0.0.1:${PORTS.routerOps}/readyz`)).ok, 'call-router ready', 60_000);
  else await next((l) => l.includes(`${kind} ready`), 60_000);
  return {
    kind,
    child,
    async gc() {
      const line = next((l) => l.startsWith('gc done'), 20_000);
      child.kill('SIGUSR2');
      const parts = (await line).split(' ');
      return { heap: Number(parts[2]), live: Number(parts[4] ?? Number.NaN) };
    },
  };
}

async function liveCalls(app: App): Promise<number> {
  if (app.kind === 'pbx') return metric(PORTS.routerOps, 'call_router_active_calls');
  return (await app.gc()).live;
}

interface MemSample {
  /** RSS read before the forced GC. */
  readonly rss: number;
  /** heapUsed right after a forced full GC. */
  readonly heap: number;
  /** RSS right after that GC. */
  readonly rssAfterGc: number;
}

async function sample(app: App, label: string): Promise<MemSample> {
  const rss = rssBytes(app.child.pid!);
  const { heap } = await app.gc();
  await sleep(100);
  const s = { rss, heap, rssAfterGc: rssBytes(app.child.pid!) };
  log(`${app.kind} ${label}: rss ${mb(s.rss)} MB, live heap ${mb(s.heap)} MB, rss after GC ${mb(s.rssAfterGc)} MB`);
  return s;
}

const storeCpuMs = (pids: number[]) => pids.reduce((sum, pid) => sum + cpuMs(pid), 0);
const cpuMs = (pid: number | undefined) => processCpuMs(pid);
/** The pids of the shared Redis and NATS servers, for their CPU per call. */
const storePids = () => pidsNamed('redis-server|nats-server');

/** The processes every phase shares. */
interface Stack {
  server: ChildProcess;
  media: ChildProcess;
  uas: Uas;
  configFile: string;
  /** The run's status stream: messages and bytes stored so far. */
  stream(): Promise<{ messages: number; bytes: number }>;
  /** CallHook `/call` requests answered so far and their bodies' bytes. */
  readonly hook: { calls: number; bytes: number };
}

async function rateSearch(kind: Kind, stack: Stack): Promise<RateResult> {
  const steps: Step[] = [];
  let app = await startApp(kind, stack.configFile, 'rate');
  const hook0 = { ...stack.hook };
  // Warm-up (JIT, connection pools), not recorded.
  const warm = await runUac({ target: TARGET, port: PORTS.uac, mediaPort: PORTS.uacMedia, rate: START_RATE, calls: START_RATE * 3, holdMs: HOLD_MS });
  log(`${kind} warm-up: ${warm.successful}/${warm.calls} ok`);
  const step = async (rate: number) => {
    const stores = storePids();
    const e0 = await stack.stream();
    const c0 = [cpuMs(app.child.pid), cpuMs(stack.media.pid), cpuMs(stack.server.pid), storeCpuMs(stores), machineCpuMs()];
    const r = await runUac({ target: TARGET, port: PORTS.uac, mediaPort: PORTS.uacMedia, rate, calls: rate * STEP_SECONDS, holdMs: HOLD_MS });
    const n = Math.max(1, r.successful);
    const cpu = {
      appCpu: (cpuMs(app.child.pid) - c0[0]!) / n,
      mediaCpu: kind !== 'baseline' ? (cpuMs(stack.media.pid) - c0[1]!) / n : 0,
      serverCpu: (cpuMs(stack.server.pid) - c0[2]!) / n,
      storeCpu: (storeCpuMs(stores) - c0[3]!) / n,
      machineCpu: (machineCpuMs() - c0[4]!) / n,
    };
    // The last calls' final events leave just after their BYE: count them once they are in.
    await sleep(300);
    const e1 = await stack.stream();
    const stored = e1.messages - e0.messages;
    const s: Step = { ...r, ...cpu, events: stored / n, eventBytes: stored > 0 ? (e1.bytes - e0.bytes) / stored : Number.NaN };
    steps.push(s);
    log(
      `${kind}: rate ${rate}/s → ${r.successful}/${r.calls} ok, ${r.failed} failed, exit ${r.exitCode}, ${r.seconds.toFixed(1)} s; ` +
        `CPU ms/call app ${s.appCpu.toFixed(2)} media ${s.mediaCpu.toFixed(2)} sip-server ${s.serverCpu.toFixed(2)} redis+nats ${s.storeCpu.toFixed(2)} machine ${s.machineCpu.toFixed(2)}; ` +
        `status events/call ${s.events.toFixed(2)}`,
    );
    if (!okRun(r)) {
      if (r.errors) process.stderr.write(`[sipp ${kind} ${rate}/s] ${r.errors}\n`);
      // A failed step leaves calls half set up in the app and the callee: start both again.
      await stop(app.child);
      await stack.uas.stop();
      await releaseEngineCalls();
      stack.uas = startUas(PORTS.uas, PORTS.uasMedia);
      await sleep(2000);
      app = await startApp(kind, stack.configFile, 'rate');
    } else {
      await sleep(2000);
    }
    return okRun(r);
  };
  let good = 0;
  let bad = 0;
  for (let rate = START_RATE; rate <= MAX_RATE; rate *= 2) {
    if (await step(rate)) good = rate;
    else {
      bad = rate;
      break;
    }
  }
  if (bad > 0) {
    let lo = good;
    let hi = bad;
    while (hi - lo > Math.max(10, lo * 0.05)) {
      const mid = Math.round((lo + hi) / 2 / 5) * 5;
      if (mid <= lo || mid >= hi) break;
      if (await step(mid)) lo = mid;
      else hi = mid;
    }
    good = lo;
  }
  await stop(app.child);
  const hookCalls = stack.hook.calls - hook0.calls;
  return { best: good, steps, hookBodyBytes: hookCalls > 0 ? (stack.hook.bytes - hook0.bytes) / hookCalls : Number.NaN };
}

interface Pdd {
  readonly calls: number;
  readonly ok: number;
  readonly failed: number;
  readonly matched: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;

async function postDialDelay(kind: Kind, stack: Stack): Promise<Pdd> {
  const app = await startApp(kind, stack.configFile, 'pdd');
  const warm = await runUac({ target: TARGET, port: PORTS.uac, mediaPort: PORTS.uacMedia, rate: PDD_RATE, calls: PDD_RATE * 5, holdMs: HOLD_MS });
  log(`${kind} pdd warm-up: ${warm.successful}/${warm.calls} ok`);
  await stack.uas.stop();
  const calls = PDD_RATE * PDD_SECONDS;
  const uas = startUas(PORTS.uas, PORTS.uasMedia, { timestamps: true, calls });
  await sleep(500);
  const r = await runUac({ target: TARGET, port: PORTS.uac, mediaPort: PORTS.uacMedia, rate: PDD_RATE, calls, holdMs: HOLD_MS, timestamps: true });
  await Promise.race([uas.exited, sleep(5000)]);
  const received = uas.receivedAtUs();
  await uas.stop();
  const delays: number[] = [];
  for (const [n, sent] of r.sentAtUs) {
    const at = received.get(`c${n}`);
    if (at !== undefined) delays.push((at - sent) / 1000);
  }
  delays.sort((a, b) => a - b);
  stack.uas = startUas(PORTS.uas, PORTS.uasMedia);
  await stop(app.child);
  const out = { calls, ok: r.successful, failed: r.failed, matched: delays.length, p50: pct(delays, 50), p99: pct(delays, 99), max: delays.at(-1) ?? Number.NaN };
  log(`${kind} pdd at ${PDD_RATE}/s: ${out.ok}/${calls} ok, ${out.matched} paired, p50 ${out.p50.toFixed(2)} ms, p99 ${out.p99.toFixed(2)} ms, max ${out.max.toFixed(2)} ms`);
  return out;
}

interface Live {
  readonly before: MemSample;
  readonly up: MemSample;
  readonly live: number;
  readonly run: UacRun;
}

async function liveMemory(kind: Kind, stack: Stack): Promise<Live> {
  const app = await startApp(kind, stack.configFile, 'live');
  const warm = await runUac({ target: TARGET, port: PORTS.uac, mediaPort: PORTS.uacMedia, rate: LIVE_RATE, calls: LIVE_RATE * 3, holdMs: 100 });
  log(`${kind} live warm-up: ${warm.successful}/${warm.calls} ok`);
  await sleep(3000);
  const before = await sample(app, 'before');
  const rampMs = (1000 * LIVE_CALLS) / LIVE_RATE;
  // RTPEngine drops a call that carried no RTP for 60 s (its --timeout): hang up well before.
  const holdMs = Math.round(rampMs + 20_000);
  const run = runUac({ target: TARGET, port: PORTS.uac, mediaPort: PORTS.uacMedia, rate: LIVE_RATE, calls: LIVE_CALLS, holdMs });
  await sleep(rampMs + 5000);
  const live = await liveCalls(app);
  const up = await sample(app, `with ${live} calls up`);
  const done = await run;
  log(`${kind} live run: ${done.successful}/${done.calls} ok, ${done.failed} failed`);
  if (done.errors) process.stderr.write(`[sipp ${kind} live] ${done.errors}\n`);
  await stop(app.child);
  return { before, up, live, run: done };
}

interface Memory {
  readonly before: MemSample;
  readonly after: MemSample;
  readonly run: UacRun;
  readonly keys: Map<string, number>;
  readonly liveAfter: number;
  /** RTPEngine calls of the bench still in the engine after the run (then deleted). */
  readonly engineCalls: number;
  /** Seconds from the last call to the "after" sample (until no call was live, at most 45 s). */
  readonly idleSeconds: number;
}

async function scanKeys(redis: Redis): Promise<Map<string, number>> {
  const kinds = new Map<string, number>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${KEY_PREFIX}*`, 'COUNT', 1000);
    cursor = next;
    for (const k of keys) {
      // Group by the key's family: `call:<id>` → `call:`, `calls:instance:<id>` → `calls:instance:`.
      const rest = k.slice(KEY_PREFIX.length);
      const family = /^[a-z-]+:(?:(?:instance|domain|ext|engine):)?/.exec(rest)?.[0] ?? rest;
      kinds.set(family, (kinds.get(family) ?? 0) + 1);
    }
  } while (cursor !== '0');
  return kinds;
}

/**
 * Deletes the RTPEngine calls this bench left (an application restarted after
 * a failed step never deletes its calls, and an engine keeps a call that
 * carried no RTP): those with an endpoint on the bench's SIPp media ports, so
 * other users of a shared engine are left alone. Returns how many.
 */
async function releaseEngineCalls(): Promise<number> {
  const [host = '127.0.0.1', port = '22222'] = engine.split(':');
  const ng = new NgClient({ timeout: 3000 });
  let released = 0;
  try {
    const list = await ng.list(Number(port), host, { limit: 100_000 });
    for (const callId of (list.calls as string[] | undefined) ?? []) {
      const q = JSON.stringify(await ng.query(Number(port), host, { 'call-id': callId }).catch(() => ({})));
      const ours = [...q.matchAll(/"port":\s*(\d+)/g)].some((m) => Number(m[1]) === PORTS.uacMedia || Number(m[1]) === PORTS.uasMedia);
      if (!ours) continue;
      await ng.delete(Number(port), host, { 'call-id': callId, 'delete-delay': 0 }).catch(() => undefined);
      released++;
    }
  } finally {
    ng.close();
  }
  if (released > 0) log(`released ${released} RTPEngine calls left by the bench`);
  return released;
}

/** Deletes every key under the run's prefix; returns how many there were. */
async function clearKeys(redis: Redis): Promise<number> {
  let removed = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${KEY_PREFIX}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) removed += await redis.del(...keys);
  } while (cursor !== '0');
  return removed;
}

async function memoryRun(stack: Stack, redis: Redis): Promise<Memory> {
  // Earlier phases leave keys behind on purpose (an application restarted after a failed step, engine calls deleted
  // by the bench): start from an empty prefix so that what is counted afterwards comes from this phase only.
  const stale = await clearKeys(redis);
  if (stale > 0) log(`memory: removed ${stale} keys left by earlier phases`);
  const app = await startApp('pbx', stack.configFile, 'memory');
  // A cold process at full rate times out on its first calls (JIT, connection set-up): start slow.
  await runUac({ target: TARGET, port: PORTS.uac, mediaPort: PORTS.uacMedia, rate: 50, calls: 250, holdMs: 100 });
  const warm = await runUac({ target: TARGET, port: PORTS.uac, mediaPort: PORTS.uacMedia, rate: MEMORY_RATE, calls: Math.min(2000, MEMORY_RATE * 5), holdMs: 100 });
  log(`memory warm-up: ${warm.successful}/${warm.calls} ok`);
  if (warm.errors) process.stderr.write(`[sipp memory warm-up] ${warm.errors}\n`);
  await sleep(5000);
  const before = await sample(app, 'memory before');
  const run = await runUac({ target: TARGET, port: PORTS.uac, mediaPort: PORTS.uacMedia, rate: MEMORY_RATE, calls: MEMORY_CALLS, holdMs: 100 });
  log(`memory run: ${run.successful}/${run.calls} ok, ${run.failed} failed in ${run.seconds.toFixed(1)} s`);
  if (run.errors) process.stderr.write(`[sipp memory] ${run.errors}\n`);
  // Calls that failed may wait for a leg's Timer B (64×T1 = 32 s) before they end.
  const idleFrom = Date.now();
  await sleep(5000);
  await until(async () => (await liveCalls(app)) === 0, 'no live call', 40_000).catch(() => undefined);
  const idleSeconds = (Date.now() - idleFrom) / 1000;
  const liveAfter = await liveCalls(app);
  const after = await sample(app, 'memory after');
  const keys = await scanKeys(redis);
  log(`memory: keys left under the prefix: ${keys.size === 0 ? 'none' : [...keys].map(([k, n]) => `${k}* ${n}`).join(', ')}`);
  const engineCalls = await releaseEngineCalls();
  await stop(app.child);
  return { before, after, run, keys, liveAfter, engineCalls, idleSeconds };
}

async function main(): Promise<void> {
  entry = SOURCE ? sourceEntrypoints(ROOT) : productionEntrypoints(ROOT, log, BUILD);
  const load0 = loadavg();
  log(`machine: ${cpus().length} cores (${cpus()[0]?.model}), load ${load0.map((l) => l.toFixed(2)).join(' ')}; run ${RUN_ID}${QUICK ? ' (quick)' : ''}`);
  const ownEngine = OWN_ENGINE
    ? await (async () => {
        const [ng, range] = OWN_ENGINE.split(':');
        const [min, max] = (range ?? '').split('-').map(Number);
        const e = await startRtpEngine({ ngPort: Number(ng), portMin: min!, portMax: max! });
        engine = `127.0.0.1:${e.ngPort}`;
        return e;
      })()
    : undefined;

  const redis = new Redis('redis://127.0.0.1:6379');
  const nc = await connect({ servers: '127.0.0.1:4222' });
  const jsm = await nc.jetstreamManager();
  const stream = `BENCH_CR_${RUN_ID}`;
  // The status events' stream (the hook-dispatcher's role): without one every publish fails.
  await jsm.streams.add({ name: stream, subjects: [createSubjects({ prefix: SUBJECT_PREFIX }).statusAll()], max_msgs: 1_000_000 });

  const hookStats = { calls: 0, bytes: 0 };
  const connectScript = JSON.stringify([{ verb: 'connect', dest: { type: 'sip', address: DEST } }]);
  const hook = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (d: Buffer) => {
      bytes += d.length;
    });
    req.on('end', () => {
      if (req.url === '/call') {
        hookStats.calls++;
        hookStats.bytes += bytes;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(connectScript);
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      }
    });
  });
  await new Promise<void>((r) => hook.listen(PORTS.hook, '127.0.0.1', r));
  const dir = mkdtempSync(join(tmpdir(), 'bench-cr-cfg-'));
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify({ domains: { [BENCH_DOMAIN]: { domain_id: 1, clients: [], trunks: [TRUNK] } } }));

  const server = node('sip-server', entry.sipServer, [
    '--noconfig', '--address', '127.0.0.1', '--port', String(PORTS.admin), '--secret', SECRET,
    '--contact', `sip:127.0.0.1:${PORTS.sip};transport=udp`, '--loglevel', 'error',
    '--prometheus-scrape-port', `127.0.0.1:${PORTS.sipMetrics}`,
  ], {});
  server.stdout!.resume();
  const media = node('media-controller', entry.mediaController, [], {
    LOGLEVEL: 'error',
    METRICS_PORT: String(PORTS.mediaOps),
    METRICS_HOST: '127.0.0.1',
    REDIS_URL: 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: KEY_PREFIX,
    NATS_URL: 'nats://127.0.0.1:4222',
    NATS_SUBJECT_PREFIX: SUBJECT_PREFIX,
    RTPENGINE_HOSTS: engine,
  });
  media.stdout!.on('data', (d: Buffer) => process.stderr.write(`[media-controller] ${d}`));
  const stack: Stack = {
    server,
    media,
    uas: startUas(PORTS.uas, PORTS.uasMedia),
    configFile,
    stream: async () => {
      const { state } = await jsm.streams.info(stream);
      return { messages: state.messages, bytes: state.bytes };
    },
    hook: hookStats,
  };

  const rate = new Map<Kind, RateResult>();
  const pdd = new Map<Kind, Pdd>();
  const live = new Map<Kind, Live>();
  let memory: Memory | undefined;
  try {
    await until(async () => (await fetch(`http://127.0.0.1:${PORTS.sipMetrics}/metrics`)).ok, 'sip-server', 60_000);
    await until(async () => (await fetch(`http://127.0.0.1:${PORTS.mediaOps}/readyz`)).ok, 'media-controller ready', 60_000);
    const kinds = (['pbx', 'baseline'] as const).filter((k) => PATHS.has(k));
    await releaseEngineCalls();
    if (PHASES.has('pdd')) for (const k of kinds) pdd.set(k, await postDialDelay(k, stack));
    // The architecture floor only in the rate phase: it answers where the call-router's rate could be at best.
    if (PHASES.has('rate')) for (const k of [...kinds, 'floor' as const]) if (PATHS.has(k)) rate.set(k, await rateSearch(k, stack));
    await releaseEngineCalls();
    if (PHASES.has('live')) for (const k of kinds) live.set(k, await liveMemory(k, stack));
    await releaseEngineCalls();
    if (PHASES.has('memory')) memory = await memoryRun(stack, redis);
  } finally {
    await stack.uas.stop();
    await releaseEngineCalls().catch(() => 0);
    await stop(media);
    await stop(server);
    hook.close();
    const left = await scanKeys(redis);
    await clearKeys(redis);
    if (left.size > 0) log(`removed keys left at the end: ${[...left].map(([k, n]) => `${k}* ${n}`).join(', ')}`);
    await redis.quit();
    await jsm.streams.delete(stream).catch(() => undefined);
    await nc.drain();
    rmSync(dir, { recursive: true, force: true });
    await ownEngine?.stop();
  }
  const load1 = loadavg();
  const report = render({ rate, pdd, live, memory, hookCalls: hookStats.calls, load0, load1 });
  writeFileSync(OUT, report);
  process.stdout.write(`\n${report}\n`);
  log(`wrote ${OUT}`);
}

function render(r: {
  rate: Map<Kind, RateResult>;
  pdd: Map<Kind, Pdd>;
  live: Map<Kind, Live>;
  memory: Memory | undefined;
  hookCalls: number;
  load0: number[];
  load1: number[];
}): string {
  const fmtLoad = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  const command = `node --import tsx bench/call-router/run.ts ${argv.join(' ')}`.trim();
  const parts: string[] = [];
  parts.push(`# call-router benchmark

- Date: ${new Date().toISOString()}
- Command: \`${command}\`${QUICK ? ' (quick: a smoke run, shortened phases)' : ''}
- Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}, Node ${process.version}; load average (1/5/15 min) ${fmtLoad(r.load0)} at the start, ${fmtLoad(r.load1)} at the end.
  Every process (both SIPp, sip-server, call-router, floor or baseline, media-controller, RTPEngine, Redis, NATS, the CallHook server) shares these cores.
- Build: ${entry.mode === 'production' ? 'production — every service compiled (`npm run build`) and packed by `scripts/pack-production.mjs` (dist/, production dependencies), run with plain `node`; the baseline, the floor and the GC wrapper transpiled to JavaScript the same way' : 'source — TypeScript through tsx (`--source`)'}.
- PBX path: SIPp caller → sip-server (\`services/sip-server\`) → call-router (\`services/call-router\` main through \`bench/call-router/router-gc-main.ts\`, own process, env-configured)
  → CallHook (HTTP, answers \`[{"verb":"connect","dest":{"type":"sip","address":"${DEST}"}}]\`) → SIPp callee; the caller is a trunk by source address (no digest, no registration);
  media anchored in RTPEngine (${engine}) through the media-controller (\`services/media-controller\`, NATS); status events to a JetStream stream; call summaries in Redis.
- Baseline: the same SIPp, sip-server and RTPEngine; \`bench/call-router/baseline-b2bua.ts\` (drachtio-srf, rtpengine-client offer/answer/delete with the same ng parameters; no hooks, NATS or Redis).
- Architecture floor (rate phase only): \`bench/call-router/floor-b2bua.ts\`, the baseline's SIP flow plus the CallHook, the media-controller over NATS (instead of rtpengine-client), the status events to the stream and the call summary in Redis, as the PBX path has them; no state machine, no verbs.
- Node flags: the call-router and the floor run with the call-router's (\`${CALL_ROUTER_NODE_FLAGS.join(' ')}\`, as \`npm start\` and its image run it); the baseline with Node's defaults.
- Calls: INVITE with SDP, 200 with SDP, ACK, BYE after ${HOLD_MS} ms (live phase: held until measured); SIPp sends no RTP. CallHook requests answered: ${r.hookCalls}.
`);
  const rateSection = renderRate({
    pbx: r.rate.get('pbx'),
    baseline: r.rate.get('baseline'),
    floor: r.rate.get('floor'),
    stepSeconds: STEP_SECONDS,
    startRate: START_RATE,
    maxRate: MAX_RATE,
  });
  if (rateSection) parts.push(rateSection);
  const pp = r.pdd.get('pbx');
  const pb = r.pdd.get('baseline');
  if (pp && pb) {
    const added = pp.p99 - pb.p99;
    const row = (name: string, p: Pdd) => `| ${name} | ${p.ok}/${p.calls} | ${p.matched} | ${p.p50.toFixed(2)} ms | ${p.p99.toFixed(2)} ms | ${p.max.toFixed(2)} ms |`;
    parts.push(`## (b) Post-dial delay at ${PDD_RATE} calls/s

INVITE sent by the caller (on loopback, the moment it reaches the sip-server) → the B-leg INVITE received by the callee: both SIPp log the wall clock (\`gettimeofday\`, µs; -trace_logs), paired by the caller's From user, which the B leg carries. ${PDD_RATE * PDD_SECONDS} calls of ${HOLD_MS} ms after a 5 s warm-up. SIPp's own scheduling (about 1 ms granularity) is in both paths.

| path | calls ok | paired | p50 | p99 | max |
|---|---|---|---|---|---|
${row('PBX', pp)}
${row('baseline', pb)}

Added by the PBX: p50 ${(pp.p50 - pb.p50).toFixed(2)} ms, **p99 ${added.toFixed(2)} ms** (target ≤ 20 ms: ${verdict(added <= 20)}).
`);
  }
  const lp = r.live.get('pbx');
  const lb = r.live.get('baseline');
  if (lp && lb) {
    const per = (l: Live, f: (s: MemSample) => number) => (f(l.up) - f(l.before)) / Math.max(1, l.live);
    const row = (name: string, l: Live) =>
      `| ${name} | ${l.live} (${l.run.successful}/${l.run.calls} ok) | ${mb(l.before.rssAfterGc)} → ${mb(l.up.rssAfterGc)} MB | **${(per(l, (s) => s.rssAfterGc) / 1024).toFixed(1)} kB** | ${mb(l.before.heap)} → ${mb(l.up.heap)} MB | ${(per(l, (s) => s.heap) / 1024).toFixed(1)} kB |`;
    const pbxPer = per(lp, (s) => s.rssAfterGc) / 1024;
    // RSS after a forced GC still moves by ±10 MB between samples (V8 returns pages late): a smaller change says nothing.
    const rssChange = Math.abs(lp.up.rssAfterGc - lp.before.rssAfterGc);
    parts.push(`## (c) Application RSS per live call

A fresh application process, a short warm-up, then RSS (/proc VmRSS) and V8 heapUsed, both right after a forced full GC (\`--expose-gc\`, SIGUSR2), before and with the calls up (${LIVE_CALLS} calls offered at ${LIVE_RATE}/s, held until measured). Live calls as counted by the process itself (the call-router's \`call_router_active_calls\` gauge, the baseline's own counter). The call-router's figure is its own process only (the media-controller and RTPEngine hold the media state).

| path | live calls | RSS before → up | RSS per live call | live heap before → up | heap per live call |
|---|---|---|---|---|---|
${row('call-router', lp)}
${row('baseline B2BUA', lb)}

Target ≤ 50 kB per live call (call-router RSS): ${
      rssChange < 20 * 1048576
        ? '**inconclusive**: the RSS change is under 20 MB, within the noise of RSS between two samples (V8 returns pages late); read the heap column or run more calls (the full run has 2 000)'
        : verdict(pbxPer <= 50)
    }.
`);
  }
  const m = r.memory;
  if (m) {
    const growth = m.after.heap - m.before.heap;
    const keys = m.keys.size === 0 ? 'none' : [...m.keys].map(([k, n]) => `\`${k}*\` ${n}`).join(', ');
    parts.push(`## Memory: ${m.run.calls} calls through the call-router

A fresh call-router, a warm-up, 5 s idle, then ${m.run.calls} calls (100 ms each) at ${MEMORY_RATE}/s: ${m.run.successful} successful, ${m.run.failed} failed; then idle until no call was live (at most 45 s): ${m.idleSeconds.toFixed(0)} s, live calls then ${m.liveAfter}. The heap figure means most with zero failed calls (a failed call may hold a leg's timers for 32 s).

| point | RSS | live heap (after a forced full GC) |
|---|---|---|
| before | ${mb(m.before.rss)} MB | ${mb(m.before.heap)} MB |
| after the calls and the idle time | ${mb(m.after.rss)} MB | ${mb(m.after.heap)} MB |

Live heap growth: **${(growth / 1024).toFixed(0)} kB** (${((growth / Math.max(1, m.run.calls)) * 1).toFixed(1)} bytes per call).
Keys left under the run's Redis prefix (call summaries \`call:\`, call indexes \`calls:…\`, media affinity \`media:engine:\`, …): **${keys}**.
RTPEngine calls of the run still in the engine: **${m.engineCalls}**.
`);
  }
  return parts.join('\n');
}

runMain(main);
