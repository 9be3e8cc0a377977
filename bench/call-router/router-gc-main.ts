/**
 * Starts the call-router (`services/call-router/src/main.ts`, configured by
 * its environment) with a forced full GC on SIGUSR2 that prints
 * `gc done <heapUsed bytes>`, so the bench reads the live heap of the same
 * process it measures (`--expose-gc` required). Bench use only.
 */
import { writeFileSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';
import { Session } from 'node:inspector';
import { pathToFileURL } from 'node:url';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('router-gc-main.ts needs node --expose-gc');
process.on('SIGUSR2', () => {
  gc();
  process.stdout.write(`gc done ${process.memoryUsage().heapUsed}\n`);
});
// BENCH_ALLOC_PROF=<file>: V8's sampling heap profile of every allocation (collected ones
// included, so what makes the GC work shows), written BENCH_ALLOC_PROF_MS after start.
const allocProf = process.env.BENCH_ALLOC_PROF;
if (allocProf) {
  const session = new Session();
  session.connect();
  // BENCH_ALLOC_LIVE=1: only the objects still alive when the profile is taken (what the heap holds).
  const all = process.env.BENCH_ALLOC_LIVE !== '1';
  session.post('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: all, includeObjectsCollectedByMinorGC: all });
  setTimeout(() => {
    session.post('HeapProfiler.stopSampling', (err, r) => {
      if (!err) writeFileSync(allocProf, JSON.stringify(r.profile));
      process.stdout.write(`alloc profile ${err ? `failed: ${err.message}` : `written to ${allocProf}`}\n`);
    });
  }, Number(process.env.BENCH_ALLOC_PROF_MS ?? 20_000)).unref();
}
// BENCH_HEAP_SNAPSHOT=<file>: a heap snapshot BENCH_HEAP_SNAPSHOT_MS after start (what holds the heap mid-load).
const snapshot = process.env.BENCH_HEAP_SNAPSHOT;
if (snapshot) {
  setTimeout(() => {
    process.stdout.write(`heap snapshot written to ${writeHeapSnapshot(snapshot)}\n`);
  }, Number(process.env.BENCH_HEAP_SNAPSHOT_MS ?? 20_000)).unref();
}
const main = process.env.CALL_ROUTER_MAIN ?? new URL('../../services/call-router/src/main.ts', import.meta.url).pathname;
await import(pathToFileURL(main).href);
