/**
 * SIP server benchmark: SIPp UAC → sip-server → minimal drachtio-srf app,
 * next to SIPp UAC → SIPp UAS directly (same machine, same run), then the
 * server's memory before/after a long run.
 *
 *   npx tsx bench/sip-server/run.ts [--step-seconds 10] [--max-rate 4000] [--rss-calls 100000]
 *                                   [--warm-seconds 40] [--drain-seconds 35] [--rss-rate <n> (memory run only)]
 *                                   [--out bench/results/sip-server.md]
 *
 * Ports 25000–25099. Each rate step offers `rate × step-seconds` calls; a step
 * passes only when every call succeeds. Rates double until a step fails, then
 * a binary search narrows to within 5 %.
 *
 * Memory method: a fresh server and app; a warm-up of `warm-seconds` at the
 * memory-run rate, longer than Timer J/L (64×T1 = 32 s), so the warm-up already
 * reaches the steady-state live set of finished transactions waiting for their
 * timers (V8 keeps the heap it grew to: a 5 s warm-up made "before" miss that
 * working set and counted it as growth); then `drain-seconds` idle so those
 * timers expire; "before" = RSS (/proc/<pid>/status VmRSS) and V8 heapUsed
 * (the server's `nodejs_heap_size_used_bytes` gauge) at that point. Then
 * `rss-calls` calls, a sample right after the last one, another after
 * `drain-seconds` idle ("after drain"); growth = after drain − before. Samples
 * every 5 s in between give the peak (no GC forced there: heapUsed is the
 * live set plus garbage not yet collected). At the three points RSS is read
 * first, then the server (run through gc-main.ts with --expose-gc) is sent
 * SIGUSR2 for a forced full GC and heapUsed read again: the "live heap"
 * columns, reported as such. The run starts from the state that GC left, so
 * growth = RSS after drain (read before its GC) − RSS after the "before" GC. `--server-main <path>/services/sip-server/src/main.ts`
 * measures another tree (e.g. an older commit extracted with git archive, with
 * a node_modules symlink) for back-to-back A/B runs.
 * The memory run only (`--rss-rate`) writes the report too: pass `--out` to
 * keep bench/results/ untouched.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type UacRun, runUac, startUas } from './sipp-run.js';
import { reap } from '../lib/reap-children.js';
import { runMain } from '../lib/run-main.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const STEP_SECONDS = Number(args.get('step-seconds') ?? 10);
const MAX_RATE = Number(args.get('max-rate') ?? 4000);
const RSS_CALLS = Number(args.get('rss-calls') ?? 100_000);
/** Skip both rate searches and run only the memory run at this rate. */
const RSS_RATE = args.has('rss-rate') ? Number(args.get('rss-rate')) : undefined;
const DRAIN_MS = 1000 * Number(args.get('drain-seconds') ?? 35);
/** Warm-up length: longer than Timer J/L (64×T1 = 32 s) so the warm-up reaches the steady-state live set. */
const WARM_SECONDS = Number(args.get('warm-seconds') ?? 40);
const SAMPLE_MS = 5000;
/** main.ts of another tree to measure instead of this checkout's (A/B runs). */
const SERVER_MAIN = args.get('server-main');
const OUT = args.get('out') ?? `${ROOT}bench/results/sip-server.md`;

const PORTS = { admin: 25000, sip: 25001, metrics: 25002, uac: 25010, uacMedia: 25020, uas: 25030, uasMedia: 25040 };
const log = (s: string) => process.stdout.write(`${new Date().toISOString()} ${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ok(r: UacRun): boolean {
  return r.exitCode === 0 && r.failed === 0 && r.successful === r.calls;
}

async function rateSearch(label: string, target: string): Promise<{ best: number; runs: UacRun[] }> {
  const runs: UacRun[] = [];
  const step = async (rate: number) => {
    const r = await runUac({ target, port: PORTS.uac, mediaPort: PORTS.uacMedia, rate, calls: rate * STEP_SECONDS });
    runs.push(r);
    log(`${label}: rate ${rate}/s → ${r.successful}/${r.calls} ok, ${r.failed} failed, exit ${r.exitCode}, ${r.seconds.toFixed(1)} s`);
    await sleep(2000); // let retransmission timers of the previous step drain
    return ok(r);
  };
  let good = 0;
  let bad = 0;
  for (let rate = 250; rate <= MAX_RATE; rate *= 2) {
    if (await step(rate)) good = rate;
    else {
      bad = rate;
      break;
    }
  }
  if (bad === 0) return { best: good, runs };
  let lo = good;
  let hi = bad;
  while (hi - lo > Math.max(25, lo * 0.05)) {
    const mid = Math.round((lo + hi) / 2 / 25) * 25;
    if (mid <= lo || mid >= hi) break;
    if (await step(mid)) lo = mid;
    else hi = mid;
  }
  return { best: lo, runs };
}

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : Number.NaN;
}

async function scrape(): Promise<Record<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${PORTS.metrics}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const name of [
    'sip_dialogs_alive', 'drachtio_transactions_alive', 'drachtio_app_connections', 'sip_server_transactions_alive',
    'sip_server_transaction_records', 'sip_client_transactions_alive', 'nodejs_heap_size_used_bytes', 'nodejs_heap_size_total_bytes',
  ]) {
    const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
    if (m) out[name] = Number(m[1]);
  }
  return out;
}

interface Sample {
  readonly rssKb: number;
  readonly m: Record<string, number>;
}

const mb = (bytes: number | undefined) => (bytes === undefined || Number.isNaN(bytes) ? '?' : (bytes / 1048576).toFixed(1));

/**
 * RSS from /proc and the server's own gauges (heap used/total, transactions, records, dialogs), logged.
 * With `gcOf`, also heapUsed right after a forced full GC (the live set) as `liveHeap`.
 */
async function sample(pid: number, label: string, gcOf?: ChildProcess): Promise<Sample> {
  const rss = rssKb(pid);
  const m = await scrape();
  if (gcOf) {
    await forceGc(gcOf);
    await sleep(100); // the scrape snapshot is cached 50 ms
    m.liveHeap = (await scrape()).nodejs_heap_size_used_bytes ?? Number.NaN;
    m.rssAfterGc = rssKb(pid) * 1024;
  }
  log(
    `${label}: rss ${mb(rss * 1024)} MB, heapUsed ${mb(m.nodejs_heap_size_used_bytes)} MB${gcOf ? ` (${mb(m.liveHeap)} MB after forced GC, rss then ${mb(m.rssAfterGc)} MB)` : ''}, heapTotal ${mb(m.nodejs_heap_size_total_bytes)} MB, ` +
      `server txns ${m.sip_server_transactions_alive ?? '?'} (compact records ${m.sip_server_transaction_records ?? 'n/a'}), ` +
      `client txns ${m.sip_client_transactions_alive ?? '?'}, dialogs ${m.sip_dialogs_alive ?? '?'}, app txns ${m.drachtio_transactions_alive ?? '?'}`,
  );
  return { rssKb: rss, m };
}

/** Samples every SAMPLE_MS until stopped; returns the peak RSS and heapUsed seen. */
function startSampler(pid: number): { stop(): { rssKb: number; heapUsed: number } } {
  let rss = 0;
  let heap = 0;
  let busy = false;
  const t = setInterval(() => {
    if (busy) return;
    busy = true;
    sample(pid, 'sample')
      .then((s) => {
        rss = Math.max(rss, s.rssKb);
        heap = Math.max(heap, s.m.nodejs_heap_size_used_bytes ?? 0);
      })
      .catch(() => {})
      .finally(() => {
        busy = false;
      });
  }, SAMPLE_MS);
  return {
    stop() {
      clearInterval(t);
      return { rssKb: rss, heapUsed: heap };
    },
  };
}

function spawnNode(script: string, argv: string[], nodeFlags: string[] = [], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  return reap(spawn(process.execPath, [...nodeFlags, '--import', 'tsx', script, ...argv], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] }));
}

/** Forces a full GC in the server (SIGUSR2 to gc-main.ts) and waits for it to finish. */
async function forceGc(server: ChildProcess): Promise<void> {
  await new Promise<void>((resolve) => {
    const t = setTimeout(done, 15_000);
    function done() {
      clearTimeout(t);
      server.stdout!.off('data', onData);
      resolve();
    }
    function onData(d: Buffer) {
      if (d.toString().includes('gc done')) done();
    }
    server.stdout!.on('data', onData);
    server.kill('SIGUSR2');
  });
}

async function waitFor(child: ChildProcess, text: string, ms: number): Promise<void> {
  let buf = '';
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timeout waiting for "${text}"`)), ms);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes(text)) {
        clearTimeout(t);
        resolve();
      }
    });
  });
}

async function startPair(): Promise<{ server: ChildProcess; app: ChildProcess }> {
  // gc-main.ts runs main.ts (or SERVER_MAIN, e.g. an older tree for an A/B) with a forced GC on SIGUSR2.
  const env = SERVER_MAIN ? { ...process.env, SIP_SERVER_MAIN: SERVER_MAIN } : process.env;
  const server = spawnNode('bench/sip-server/gc-main.ts', [
    '--noconfig', '--address', '127.0.0.1', '--port', String(PORTS.admin),
    '--contact', `sip:127.0.0.1:${PORTS.sip};transport=udp`, '--loglevel', 'error',
    '--prometheus-scrape-port', `127.0.0.1:${PORTS.metrics}`,
  ], ['--expose-gc'], env);
  server.stdout!.resume();
  await sleep(500);
  for (let i = 0; ; i++) {
    try {
      await scrape();
      break;
    } catch {
      if (i > 150) throw new Error('server did not start');
      await sleep(200);
    }
  }
  const app = spawnNode('bench/sip-server/bench-app.ts', [String(PORTS.admin)]);
  await waitFor(app, 'bench-app connected', 30_000);
  return { server, app };
}

async function stopPair(p: { server: ChildProcess; app: ChildProcess }): Promise<void> {
  const gone = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null ? r() : c.once('exit', () => r())));
  p.app.kill('SIGTERM');
  p.server.kill('SIGTERM');
  await Promise.all([gone(p.app), gone(p.server)]);
}

async function main(): Promise<void> {
  const load0 = loadavg();
  log(`machine: ${cpus().length} cores (${cpus()[0]?.model}), load ${load0.map((l) => l.toFixed(2)).join(' ')}`);

  // 1. SIPp → SIPp, the ceiling of the load generator itself on this machine.
  let direct: { best: number; runs: UacRun[] } = { best: 0, runs: [] };
  if (RSS_RATE === undefined) {
    const stopUas = startUas(PORTS.uas, PORTS.uasMedia);
    await sleep(500);
    direct = await rateSearch('direct', `127.0.0.1:${PORTS.uas}`);
    stopUas();
    await sleep(1000);
  }

  // 2. SIPp → sip-server → drachtio-srf app, three processes.
  let { server, app } = await startPair();
  let result = '';
  try {
    const through = RSS_RATE === undefined ? await rateSearch('server', `127.0.0.1:${PORTS.sip}`) : { best: 0, runs: [] };

    // 3. RSS before/after RSS_CALLS calls, on a fresh server (the rate search's failed steps leave
    // confirmed dialogs whose BYE never came, which a server rightly keeps), at 60 % of the best rate.
    await stopPair({ server, app });
    ({ server, app } = await startPair());
    const rssRate = RSS_RATE ?? Math.max(100, Math.floor((through.best * 0.6) / 25) * 25);
    const warm = await runUac({ target: `127.0.0.1:${PORTS.sip}`, port: PORTS.uac, mediaPort: PORTS.uacMedia, rate: rssRate, calls: rssRate * WARM_SECONDS });
    log(`warm-up: ${warm.successful}/${warm.calls} ok`);
    await sleep(DRAIN_MS); // Timer J/K/D of the warm-up calls (64×T1 = 32 s)
    const before = await sample(server.pid!, 'before', server);
    const sampler = startSampler(server.pid!);
    const long = await runUac({ target: `127.0.0.1:${PORTS.sip}`, port: PORTS.uac, mediaPort: PORTS.uacMedia, rate: rssRate, calls: RSS_CALLS });
    log(`long run: ${long.successful}/${long.calls} ok, ${long.failed} failed in ${long.seconds.toFixed(1)} s`);
    const now = await sample(server.pid!, 'right after the last call', server);
    await sleep(DRAIN_MS);
    const drained = await sample(server.pid!, 'after drain', server);
    const peak = sampler.stop();
    const afterNow = now.rssKb;
    const afterDrain = drained.rssKb;
    // The long run starts from the state the forced GC at "before" left.
    const start = Number.isFinite(before.m.rssAfterGc) ? before.m.rssAfterGc! / 1024 : before.rssKb;
    const load1 = loadavg();

    const rows = (runs: UacRun[]) =>
      runs
        .map(
          (r) =>
            `| ${r.rate} | ${r.calls} | ${r.successful} | ${r.failed} | ${r.seconds.toFixed(1)} | ${Math.round(r.successful / r.seconds)} | ${ok(r) ? 'pass' : 'FAIL'} |`,
        )
        .join('\n');
    // Offered rate is what SIPp tried; achieved is completed calls over the step's wall time,
    // which is lower when the system under test makes SIPp queue calls.
    const achieved = (runs: UacRun[]) => Math.max(0, ...runs.filter(ok).map((r) => Math.round(r.successful / r.seconds)));
    const ratio = direct.best > 0 ? (through.best / direct.best).toFixed(2) : 'n/a';
    result = `# sip-server benchmark

Generated by \`npx tsx bench/sip-server/run.ts\` on ${new Date().toISOString()}.

- Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}); the load average was ${load0.map((l) => l.toFixed(2)).join(' / ')} (1/5/15 min) at the start and ${load1.map((l) => l.toFixed(2)).join(' / ')} at the end (SIPp, the server and the app share the cores).
- The memory run uses a fresh server and app process (the rate search's failed steps leave confirmed dialogs whose BYE never came).
- Call: SIPp built-in \`uac\` scenario (INVITE with SDP, 100/180 optional, 200, ACK, BYE, 200) over UDP, no call hold time.
- Through the server: SIPp UAC → \`main.ts\` (one Node.js process, default timers T1 = 500 ms) → a minimal drachtio-srf app in its own process (\`bench/sip-server/bench-app.ts\`: \`createUAS\` answers 200; srf answers BYE 200).
- Direct: SIPp UAC → SIPp built-in \`uas\`, same machine, same run.
- A rate step offers rate × ${STEP_SECONDS} s calls and passes only with zero failed calls (SIPp exit 0); rates double from 250/s until a step fails, then a binary search to within 5 %.

## Result

| path | highest offered rate with zero failed calls | highest achieved rate in a zero-failure step |
|---|---|---|
| SIPp → SIPp (direct) | ${direct.best} calls/s${direct.best >= MAX_RATE ? ' (search capped)' : ''} | ${achieved(direct.runs)} calls/s |
| SIPp → sip-server → drachtio-srf app | **${through.best} calls/s** | **${achieved(through.runs)} calls/s** |
| ratio server / direct | ${ratio} | ${(achieved(through.runs) / Math.max(1, achieved(direct.runs))).toFixed(2)} |

## Memory (server process RSS and V8 heap; live heap = heapUsed right after a forced full GC)

${RSS_CALLS} calls at ${rssRate} calls/s after a ${warm.calls}-call (${WARM_SECONDS} s) warm-up: ${long.successful} successful, ${long.failed} failed.

| point | RSS | heapUsed | live heap (forced GC) | server txns (compact records) | client txns | dialogs alive | app transactions alive |
|---|---|---|---|---|---|---|---|
${[
  [`before (after warm-up and ${DRAIN_MS / 1000} s drain)`, before],
  ['right after the last call', now],
  [`${DRAIN_MS / 1000} s later (timers drained)`, drained],
]
  .map(
    ([label, p]) =>
      `| ${label} | ${((p as Sample).rssKb / 1024).toFixed(1)} MB | ${mb((p as Sample).m.nodejs_heap_size_used_bytes)} MB | ${mb((p as Sample).m.liveHeap)} MB | ${(p as Sample).m.sip_server_transactions_alive ?? '?'} (${(p as Sample).m.sip_server_transaction_records ?? 'n/a'}) | ${(p as Sample).m.sip_client_transactions_alive ?? '?'} | ${(p as Sample).m.sip_dialogs_alive ?? '?'} | ${(p as Sample).m.drachtio_transactions_alive ?? '?'} |`,
  )
  .join('\n')}
| peak during the run (${SAMPLE_MS / 1000} s samples, no GC forced) | ${(peak.rssKb / 1024).toFixed(1)} MB | ${mb(peak.heapUsed)} MB | | | | | |

RSS growth over the run: **${((afterDrain - start) / 1024).toFixed(1)} MB** (after drain), ${((afterNow - start) / 1024).toFixed(1)} MB right after the last call, from ${(start / 1024).toFixed(1)} MB at the start of the run (the RSS after the forced GC of the "before" point; ${(before.rssKb / 1024).toFixed(1)} MB before that GC); after drain and its forced GC ${mb(drained.m.rssAfterGc)} MB; live heap ${mb(before.m.liveHeap)} → ${mb(drained.m.liveHeap)} MB (after drain), ${mb(now.m.liveHeap)} MB right after the last call.

## Steps

Direct:

| offered/s | calls | ok | failed | seconds | achieved/s | step |
|---|---|---|---|---|---|---|
${rows(direct.runs)}

Through the server:

| offered/s | calls | ok | failed | seconds | achieved/s | step |
|---|---|---|---|---|---|---|
${rows(through.runs)}
`;
  } finally {
    await stopPair({ server, app });
  }
  writeFileSync(OUT, result);
  log(`wrote ${OUT}`);
}

runMain(main);
