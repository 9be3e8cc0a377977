/**
 * Hook-dispatcher benchmark.
 *
 *   node --import tsx bench/hook-dispatcher/run.ts [--events 20000] [--calls 5000] [--rate 2000]
 *        [--seconds 10] [--replicas 1] [--concurrency 128] [--cpu-prof <dir>] [--skip-latency]
 *        [--skip-throughput] [--skip-baseline]
 *        [--dispatcher <main.ts>]   (another build of the dispatcher, for A/B runs back to back)
 * DISPATCHER_NODE_ARGS (space-separated) go on the dispatchers' node command line, before the
 * entry point (e.g. `--max-semi-space-size=32 --single-threaded-gc`); DISPATCHER_NODE_OPTIONS
 * becomes their NODE_OPTIONS.
 *
 * 1. baseline: the same events POSTed straight to the receiver by one got loop, one request at
 *    a time and with 64 in flight;
 * 2. throughput: every event published to JetStream at once, timed from the first publish to the
 *    last 2xx at the receiver, through N dispatcher processes (`src/main.ts`);
 * 3. latency: events published at a fixed rate; latency = receipt time − `createdAt`.
 * Uses its own stream / subject prefix / queue / key prefix and removes them afterwards.
 * Each phase also reports the dispatchers' CPU time (utime + stime from /proc/<pid>/stat) per
 * event, and the Redis commands per event (INFO commandstats delta; Redis is shared with other
 * users of the machine, so treat it as an upper bound), and the local redis-server's and
 * nats-server's CPU per event (same caveat). `--cpu-prof <dir>` runs the dispatchers
 * under `node --cpu-prof` and writes their profiles there on exit.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import got from 'got';
import { Redis } from 'ioredis';
import { connect, type JetStreamClient, type NatsConnection } from 'nats';
import type { StatusEnvelope } from '@dragonpbx/shared/contracts';
import { publishStatusEvent } from '@dragonpbx/shared/messaging';
import { reap } from '../lib/reap-children.js';
import { runMain } from '../lib/run-main.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const EVENTS = arg('events', 20_000);
const CALLS = arg('calls', 5000);
const RATE = arg('rate', 2000);
const SECONDS = arg('seconds', 10);
const REPLICAS = arg('replicas', 1);
const CONCURRENCY = arg('concurrency', 128);
const profIndex = process.argv.indexOf('--cpu-prof');
const CPU_PROF_DIR = profIndex > 0 ? path.resolve(process.argv[profIndex + 1] ?? '.') : undefined;
const SKIP_LATENCY = process.argv.includes('--skip-latency');
const SKIP_THROUGHPUT = process.argv.includes('--skip-throughput');
const SKIP_BASELINE = process.argv.includes('--skip-baseline');
const dispatcherIndex = process.argv.indexOf('--dispatcher');
const DISPATCHER_MAIN =
  dispatcherIndex > 0 ? path.resolve(process.argv[dispatcherIndex + 1]!) : 'services/hook-dispatcher/src/main.ts';
const CLK_TCK = 100;

/** CPU time (user + system) a process has used so far, ms. */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

/** Pids of local server processes by command name (Redis, NATS), for their CPU per event. */
function serverPids(): Record<string, number[]> {
  const out: Record<string, number[]> = { 'redis-server': [], 'nats-server': [] };
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const comm = readFileSync(`/proc/${d}/comm`, 'utf8').trim();
      if (comm in out) out[comm]!.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function serversCpuMs(pids: Record<string, number[]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, list] of Object.entries(pids)) out[name] = list.reduce((sum, pid) => sum + cpuMs(pid), 0);
  return out;
}

/** Servers' CPU ms per event since `before` (shared servers: other users' work shows up too). */
function serversCpuPerEvent(pids: Record<string, number[]>, before: Record<string, number>, events: number) {
  const now = serversCpuMs(pids);
  const out: Record<string, number> = {};
  for (const name of Object.keys(now)) out[name] = Math.round(((now[name]! - before[name]!) / events) * 1000) / 1000;
  return out;
}

function childrenCpuMs(children: ChildProcess[]): number {
  return children.reduce((sum, c) => sum + cpuMs(c.pid), 0);
}

/** Calls per Redis command so far (whole server). */
async function redisCommandCalls(redis: Redis): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const line of (await redis.info('commandstats')).split('\n')) {
    const m = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

function perEventCommands(before: Map<string, number>, after: Map<string, number>, events: number) {
  const out: Record<string, number> = {};
  let total = 0;
  for (const [cmd, n] of after) {
    const d = n - (before.get(cmd) ?? 0);
    if (d <= 0 || cmd === 'info') continue;
    total += d;
    if (d / events >= 0.05) out[cmd] = Math.round((d / events) * 100) / 100;
  }
  out.total = Math.round((total / events) * 100) / 100;
  return out;
}

/** Receiver: answers 200 at once and records receipt time per webhook-id (first receipt). */
function startReceiver(): Promise<{ server: http.Server; url: string; seen: Map<string, number> }> {
  const seen = new Map<string, number>();
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      if (!seen.has(id)) seen.set(id, Date.now());
      res.writeHead(200).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/status`, seen }),
    ),
  );
}

function events(url: string, n: number, calls: number, tag: string): StatusEnvelope[] {
  const out: StatusEnvelope[] = [];
  const perCall = Math.ceil(n / calls);
  for (let seq = 1; seq <= perCall; seq++) {
    for (let c = 0; c < calls && out.length < n; c++) {
      const createdAt = new Date().toISOString();
      const callId = `${tag}-${c}@bench`;
      out.push({
        id: randomUUID(),
        callId,
        seq,
        url,
        createdAt,
        body: { callId, event: 'connect:trying', seq, timestamp: createdAt, domain: 'bench.example.com' },
      });
    }
  }
  return out;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function waitUntil(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return cond();
}

function startDispatcher(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const prof = CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`] : [];
  const nodeArgs = (process.env.DISPATCHER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = reap(
    spawn(process.execPath, [...prof, ...nodeArgs, '--import', 'tsx', DISPATCHER_MAIN], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('hook-dispatcher ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`dispatcher exited ${code}`)));
  });
}

async function baseline(url: string, list: StatusEnvelope[], seen: Map<string, number>, inFlight: number) {
  const client = got.extend({
    agent: { http: new http.Agent({ keepAlive: true, maxSockets: inFlight }) },
    retry: { limit: 0 },
  });
  let next = 0;
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < list.length) {
        const e = list[next++]!;
        await client.post(url, { body: JSON.stringify(e.body), headers: { 'webhook-id': e.id } });
      }
    }),
  );
  const ms = Date.now() - t0;
  seen.clear();
  return { events: list.length, inFlight, ms, perSec: Math.round((list.length / ms) * 1000) };
}

/** Publishes with retries: the event id is the Nats-Msg-Id, so a retried publish is stored once. */
async function publishOne(js: JetStreamClient, prefix: string, e: StatusEnvelope): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await publishStatusEvent(js, e, { subjectPrefix: prefix });
      return;
    } catch (err) {
      if (attempt >= 5) throw err;
    }
  }
}

async function publishAll(nats: NatsConnection, prefix: string, list: StatusEnvelope[]) {
  const js = nats.jetstream();
  const window = 256;
  for (let i = 0; i < list.length; i += window) {
    await Promise.all(list.slice(i, i + window).map((e) => publishOne(js, prefix, e)));
  }
}

async function main() {
  const tag = `b${randomBytes(4).toString('hex')}`;
  const names = {
    HOOK_SUBJECT_PREFIX: `bench.${tag}`,
    HOOK_STREAM: `BENCH_${tag}`,
    HOOK_CONSUMER: `hd_${tag}`,
    HOOK_QUEUE: `q_${tag}`,
    HOOK_KEY_PREFIX: `bench:${tag}`,
  };
  const receiver = await startReceiver();
  const nats = await connect({ servers: NATS_URL });
  const redis = new Redis(REDIS_URL);
  const children: ChildProcess[] = [];
  const result: Record<string, unknown> = {
    machine: `${os.cpus().length} cores (${os.cpus()[0]?.model}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`,
    params: { EVENTS, CALLS, RATE, SECONDS, REPLICAS, CONCURRENCY, dispatcher: DISPATCHER_MAIN },
  };
  try {
    const base = events(receiver.url, EVENTS, CALLS, `${tag}base`);
    if (!SKIP_BASELINE) {
      result.baselineSequential = await baseline(receiver.url, base, receiver.seen, 1);
      result.baseline64 = await baseline(receiver.url, base, receiver.seen, 64);
    }
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      REDIS_URL,
      NATS_URL,
      LOGLEVEL: 'warn',
      HOOK_HTTP_PORT: '0',
      HOOK_HTTP_HOST: '127.0.0.1',
      HOOK_SIGNING_SECRET: `whsec_${randomBytes(24).toString('base64')}`,
      HOOK_CONCURRENCY: String(CONCURRENCY),
      HOOK_HOST_CONCURRENCY: String(CONCURRENCY),
      HOOK_INTAKE_CONCURRENCY: '512',
      ...(process.env.DISPATCHER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.DISPATCHER_NODE_OPTIONS } : {}),
      ...names,
    };
    // main.ts logs "hook-dispatcher ready" at info; keep warn for the rest but let that line through.
    for (let i = 0; i < REPLICAS; i++) children.push(await startDispatcher({ ...env, LOGLEVEL: 'info' }));

    const servers = serverPids();
    let cpu0 = childrenCpuMs(children);
    let srv0 = serversCpuMs(servers);
    let cmd0 = await redisCommandCalls(redis);
    if (!SKIP_THROUGHPUT) {
      // Throughput: everything at once.
      const burst = events(receiver.url, EVENTS, CALLS, `${tag}tp`);
      const t0 = Date.now();
      await publishAll(nats, names.HOOK_SUBJECT_PREFIX, burst);
      const published = Date.now() - t0;
      const ok = await waitUntil(() => burst.every((e) => receiver.seen.has(e.id)), 300_000);
      const last = Math.max(...burst.map((e) => receiver.seen.get(e.id) ?? Number.NaN));
      result.throughput = {
        events: EVENTS,
        complete: ok,
        publishMs: published,
        endToEndMs: last - t0,
        perSec: Math.round((EVENTS / (last - t0)) * 1000),
        dispatcherCpuMsPerEvent: Math.round(((childrenCpuMs(children) - cpu0) / EVENTS) * 1000) / 1000,
        serverCpuMsPerEvent: serversCpuPerEvent(servers, srv0, EVENTS),
        redisCommandsPerEvent: perEventCommands(cmd0, await redisCommandCalls(redis), EVENTS),
      };
    }
    if (!SKIP_LATENCY) {
      // Latency at a fixed rate: one event every 1/RATE s, in ticks of 10 ms.
      const total = RATE * SECONDS;
      const fixed = events(receiver.url, total, Math.max(CALLS, Math.ceil(total / 4)), `${tag}lat`);
      const js = nats.jetstream();
      const perTick = RATE / 100;
      cpu0 = childrenCpuMs(children);
      srv0 = serversCpuMs(servers);
      cmd0 = await redisCommandCalls(redis);
      const start = Date.now();
      const pubs: Promise<unknown>[] = [];
      for (let i = 0; i < fixed.length; i++) {
        const due = start + Math.floor(i / perTick) * 10;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const e = fixed[i]!;
        e.createdAt = new Date().toISOString();
        pubs.push(publishOne(js, names.HOOK_SUBJECT_PREFIX, e));
      }
      const pubSpan = Date.now() - start;
      await Promise.all(pubs);
      const done = await waitUntil(() => fixed.every((e) => receiver.seen.has(e.id)), 120_000);
      const lat = fixed.map((e) => (receiver.seen.get(e.id) ?? Number.NaN) - Date.parse(e.createdAt)).sort((a, b) => a - b);
      // Per second of publishing: shows whether the tail is a start-up transient or steady.
      const bySecond: number[][] = [];
      for (const e of fixed) {
        const created = Date.parse(e.createdAt);
        const second = Math.floor((created - start) / 1000);
        const bucket = bySecond[second] ?? [];
        bucket.push((receiver.seen.get(e.id) ?? Number.NaN) - created);
        bySecond[second] = bucket;
      }
      result.latency = {
        rate: RATE,
        achievedPublishRate: Math.round((total / pubSpan) * 1000),
        events: total,
        complete: done,
        p50ms: pct(lat, 50),
        p90ms: pct(lat, 90),
        p99ms: pct(lat, 99),
        maxms: lat.at(-1),
        bySecond: bySecond.map((l, second) => {
          const sorted = l.sort((a, b) => a - b);
          return `${second}s: n ${sorted.length} p50 ${pct(sorted, 50)} p99 ${pct(sorted, 99)} max ${sorted.at(-1)}`;
        }),
        dispatcherCpuMsPerEvent: Math.round(((childrenCpuMs(children) - cpu0) / total) * 1000) / 1000,
        serverCpuMsPerEvent: serversCpuPerEvent(servers, srv0, total),
        redisCommandsPerEvent: perEventCommands(cmd0, await redisCommandCalls(redis), total),
      };
    }
  } finally {
    // Clean up only once the dispatchers have exited, or their shutdown re-creates keys.
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const timer = setTimeout(() => {
              c.kill('SIGKILL');
              resolve();
            }, 15_000);
            c.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
    const jsm = await nats.jetstreamManager();
    await jsm.streams.delete(names.HOOK_STREAM).catch(() => undefined);
    let cursor = '0';
    do {
      const [nextCursor, keys] = (await redis.scan(cursor, 'MATCH', `${names.HOOK_KEY_PREFIX}:*`, 'COUNT', 1000)) as [
        string,
        string[],
      ];
      cursor = nextCursor;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    await nats.close();
    redis.disconnect();
    receiver.server.close();
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.exit(0);
}

runMain(main);
