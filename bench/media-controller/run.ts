/**
 * Media-controller benchmark: offer + answer + delete cycles per second
 *   A. through NATS → media-controller (src/main.ts, its own process) → RTPEngine;
 *   B. the same cycle sent straight to RTPEngine with rtpengine-client;
 *   C. the same three MediaClient requests answered at once by a bare NATS
 *      responder in its own process (no engine, no Redis): the transport's share;
 * in the same run, alternating A/B/C blocks so background load hits them alike.
 *
 *   node --import tsx bench/media-controller/run.ts [--cycles 2000] [--blocks 4] [--concurrency 1] [--inproc 1] [--cpu-prof DIR]
 *
 * `--inproc 1` runs the controller inside the benchmark process instead of as
 * its own process (one process fewer to schedule; same NATS and Redis hops).
 * `--cpu-prof DIR` writes a V8 CPU profile of the controller process into DIR.
 * CONTROLLER_NODE_OPTIONS becomes the controller process's NODE_OPTIONS (e.g.
 * `--perf-basic-prof` for `perf record`).
 * `--main PATH` runs another controller entry point (e.g. an older copy of
 * src/ inside the repository, for back-to-back A/B runs).
 *
 * Besides latency it reports the controller's CPU time per cycle (user + system,
 * from /proc/<pid>/stat over the measured blocks only): unlike wall-clock
 * figures it hardly moves when other processes compete for the cores.
 *
 * Uses an RTPEngine of its own (ng 26950, RTP 26400-26899) and a random NATS
 * subject / Redis key prefix; everything is stopped and removed afterwards.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MediaClient, connectNats, createSubjects } from '@dragonpbx/shared/messaging';
import { Redis } from 'ioredis';
import { Client } from 'rtpengine-client';
import { pino } from 'pino';
import { MediaController } from '../../services/media-controller/src/media-controller.js';
import { startRtpEngine } from '../../services/media-controller/test/support/rtpengine-process.js';
import { reap } from '../lib/reap-children.js';
import { runMain } from '../lib/run-main.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CYCLES = arg('cycles', 2000);
const BLOCKS = arg('blocks', 4);
const CONCURRENCY = arg('concurrency', 1);
const INPROC = arg('inproc', 0) === 1;
const NG_PORT = 26950;
const argText = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const PROF_DIR = argText('cpu-prof');
const MAIN = argText('main') ?? 'services/media-controller/src/main.ts';

/** CPU time (ms) a process has used so far in user and in system mode, from /proc/<pid>/stat. */
function cpuMs(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: (Number(fields[11]) * 1000) / CLOCK_TICKS, system: (Number(fields[12]) * 1000) / CLOCK_TICKS };
}
const CLOCK_TICKS = 100;

const sdp = (port: number) =>
  `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n`;
const OFFER = sdp(40_000);
const ANSWER = sdp(40_002);

type Cycle = (i: number) => Promise<void>;

/**
 * Path C's responder: answers every media request at once with a canned reply
 * of the right shape (plain nats, no validation, no spans), in its own process
 * like the controller. argv: NATS URL, then the offer/answer/delete subjects.
 */
const INSTANT_RESPONDER = `
const { connect } = require('nats');
const [url, offer, answer, del] = process.argv.slice(1);
const sdp = ${JSON.stringify(JSON.stringify({ ok: true, result: { sdp: sdp(30_000), engine: '127.0.0.1:1', direct: false } }))};
const enc = new TextEncoder();
const replies = { [offer]: enc.encode(sdp), [answer]: enc.encode(sdp), [del]: enc.encode('{"ok":true,"result":{"deleted":true}}') };
connect({ servers: url, noAsyncTraces: true }).then(async (nc) => {
  for (const subject of [offer, answer, del]) nc.subscribe(subject, { callback: (_e, m) => m.respond(replies[m.subject]) });
  await nc.flush();
  process.stdout.write('ready\\n');
});
`;

/** Runs `count` cycles with `CONCURRENCY` in flight; returns per-cycle ms and wall time. */
async function measure(count: number, cycle: Cycle): Promise<{ ms: number[]; wallMs: number }> {
  const ms: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const t0 = performance.now();
      await cycle(i);
      ms.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { ms, wallMs: performance.now() - started };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

function summary(name: string, ms: number[], wallMs: number) {
  const s = [...ms].sort((a, b) => a - b);
  return { name, cycles: ms.length, perSec: (ms.length / wallMs) * 1000, p50: pct(s, 50), p90: pct(s, 90), p99: pct(s, 99) };
}

async function main(): Promise<void> {
  const id = randomBytes(5).toString('hex');
  const prefix = `bench${id}`;
  const engine = await startRtpEngine({ ngPort: NG_PORT, portMin: 26400, portMax: 26899 });
  const controllerEnv = {
    PATH: process.env.PATH ?? '',
    LOGLEVEL: 'warn',
    METRICS_PORT: '0',
    RTPENGINE_HOSTS: `127.0.0.1:${NG_PORT}`,
    NATS_SUBJECT_PREFIX: prefix,
    REDIS_KEY_PREFIX: `bench:${id}:`,
    ...(process.env.CONTROLLER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.CONTROLLER_NODE_OPTIONS } : {}),
  };
  const child: ChildProcess | undefined = INPROC
    ? undefined
    : reap(
        spawn(process.execPath, [...(PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', PROF_DIR] : []), '--import', 'tsx', MAIN], {
          cwd: ROOT,
          env: controllerEnv,
          stdio: ['ignore', 'inherit', 'inherit'],
        }),
      );
  const natsUrl = process.env.NATS_URL ?? '127.0.0.1:4222';
  const nc = await connectNats({ servers: natsUrl, name: 'bench-media-client' });
  const media = new MediaClient({ subjects: createSubjects({ prefix }), timeoutMs: 5000 }, { nc });
  const instantSubjects = createSubjects({ prefix: `${prefix}instant` });
  const instant = new MediaClient({ subjects: instantSubjects, timeoutMs: 5000 }, { nc });
  const responder = reap(
    spawn(
      process.execPath,
      ['-e', INSTANT_RESPONDER, natsUrl, ...(['offer', 'answer', 'delete'] as const).map((op) => instantSubjects.media(op))],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    ),
  );
  await new Promise<void>((resolve, reject) => {
    responder.stdout!.once('data', () => resolve());
    responder.once('exit', (code) => reject(new Error(`instant responder exited (${code})`)));
  });
  const direct = new Client({ timeout: 5000 });
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const inproc = INPROC
    ? new MediaController(
        { engines: [{ host: '127.0.0.1', port: NG_PORT }], subjectPrefix: prefix, keyPrefix: `bench:${id}:` },
        { nc, redis, logger: pino({ level: 'warn' }) },
      )
    : undefined;
  await inproc?.start();
  try {
    // Wait until the controller serves.
    for (let tries = 0; ; tries++) {
      try {
        await media.delete({ callId: 'warm-up' });
        break;
      } catch (err) {
        if (tries > 300) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const viaController: Cycle = async (i) => {
      const callId = `b-${id}-c-${i}`;
      await media.offer({ callId, fromTag: 'a', sdp: OFFER });
      await media.answer({ callId, fromTag: 'a', toTag: 'b', sdp: ANSWER });
      await media.delete({ callId });
    };
    const transportOnly: Cycle = async (i) => {
      const callId = `b-${id}-t-${i}`;
      await instant.offer({ callId, fromTag: 'a', sdp: OFFER });
      await instant.answer({ callId, fromTag: 'a', toTag: 'b', sdp: ANSWER });
      await instant.delete({ callId });
    };
    const straight: Cycle = async (i) => {
      const callId = `b-${id}-d-${i}`;
      const ok = (r: Record<string, unknown>) => {
        if (r.result !== 'ok') throw new Error(`${String(r.result)}: ${String(r['error-reason'])}`);
      };
      ok(await direct.offer(NG_PORT, '127.0.0.1', { 'call-id': callId, 'from-tag': 'a', sdp: OFFER, flags: ['inject DTMF'], replace: ['origin', 'session-connection'] }));
      ok(await direct.answer(NG_PORT, '127.0.0.1', { 'call-id': callId, 'from-tag': 'a', 'to-tag': 'b', sdp: ANSWER, flags: ['inject DTMF'], replace: ['origin', 'session-connection'] }));
      ok(await direct.delete(NG_PORT, '127.0.0.1', { 'call-id': callId, 'delete-delay': 0 }));
    };
    // Warm both paths (JIT, sockets, the engine's allocator).
    await measure(Math.min(200, CYCLES), viaController);
    await measure(Math.min(200, CYCLES), straight);
    await measure(Math.min(200, CYCLES), transportOnly);

    const per = Math.max(1, Math.floor(CYCLES / BLOCKS));
    const a = { ms: [] as number[], wallMs: 0 };
    const b = { ms: [] as number[], wallMs: 0 };
    const c = { ms: [] as number[], wallMs: 0 };
    // CPU of the process serving the controller (the benchmark itself when in-process).
    const servingPid = child?.pid ?? process.pid;
    const controllerCpu = { user: 0, system: 0 };
    // The benchmark process's own CPU: the NATS client (MediaClient) in A, rtpengine-client in B.
    let clientCpuA = 0;
    let clientCpuB = 0;
    for (let k = 0; k < BLOCKS; k++) {
      const cpu0 = cpuMs(servingPid);
      const own0 = process.cpuUsage();
      const ra = await measure(per, (i) => viaController(k * per + i + 1_000_000));
      const ownA = process.cpuUsage(own0);
      clientCpuA += (ownA.user + ownA.system) / 1000;
      const cpu1 = cpuMs(servingPid);
      controllerCpu.user += cpu1.user - cpu0.user;
      controllerCpu.system += cpu1.system - cpu0.system;
      a.ms.push(...ra.ms);
      a.wallMs += ra.wallMs;
      const own1 = process.cpuUsage();
      const rb = await measure(per, (i) => straight(k * per + i + 1_000_000));
      const ownB = process.cpuUsage(own1);
      clientCpuB += (ownB.user + ownB.system) / 1000;
      b.ms.push(...rb.ms);
      b.wallMs += rb.wallMs;
      const rc = await measure(per, (i) => transportOnly(k * per + i + 1_000_000));
      c.ms.push(...rc.ms);
      c.wallMs += rc.wallMs;
    }
    const A = summary('NATS → controller → RTPEngine', a.ms, a.wallMs);
    const B = summary('rtpengine-client → RTPEngine', b.ms, b.wallMs);
    const C = summary('NATS → instant responder (no engine)', c.ms, c.wallMs);
    const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
    const row = (r: ReturnType<typeof summary>) =>
      `| ${r.name} | ${r.cycles} | ${r.perSec.toFixed(0)} | ${r.p50.toFixed(3)} | ${r.p90.toFixed(3)} | ${r.p99.toFixed(3)} |`;
    const added = A.p50 - B.p50;
    process.stdout.write(
      [
        `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, node ${process.version}, load average ${load}`,
        `cycles ${CYCLES} in ${BLOCKS} alternating blocks, concurrency ${CONCURRENCY}, controller ${INPROC ? 'in the benchmark process' : `in its own process (${MAIN})`}`,
        '',
        '| path | cycles | cycles/s | p50 ms | p90 ms | p99 ms |',
        '|---|---|---|---|---|---|',
        row(A),
        row(B),
        row(C),
        '',
        `throughput ratio (controller / direct): ${(A.perSec / B.perSec).toFixed(3)}`,
        `added at the median: ${added.toFixed(3)} ms per cycle = ${(added / 3).toFixed(3)} ms per operation`,
        `of which NATS request/reply alone (path C's median): ${C.p50.toFixed(3)} ms per cycle; the rest, ${(added - C.p50).toFixed(3)} ms, is the controller's own work and the extra processes it wakes`,
        `benchmark process CPU per cycle: ${(clientCpuA / a.ms.length).toFixed(3)} ms through the controller, ${(clientCpuB / b.ms.length).toFixed(3)} ms direct`,
        `controller CPU (${INPROC ? 'benchmark process, client included' : 'its own process'}): ${((controllerCpu.user + controllerCpu.system) / a.ms.length).toFixed(3)} ms per cycle (user ${(controllerCpu.user / a.ms.length).toFixed(3)}, system ${(controllerCpu.system / a.ms.length).toFixed(3)})`,
        '',
      ].join('\n'),
    );
    const left = await redis.keys(`bench:${id}:*`);
    if (left.length > 0) await redis.del(...left);
  } finally {
    direct.close();
    responder.kill('SIGTERM');
    await inproc?.stop();
    await nc.drain();
    redis.disconnect();
    if (child) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await engine.stop();
  }
}

runMain(main);
