/**
 * The floor under the dispatcher's CPU cost per event: the same signed POSTs sent by the
 * dispatcher's own StatusHookPoster (got, keep-alive agent, Standard Webhooks signature), with no
 * NATS, Redis or BullMQ, to a receiver in another process. Reports CPU ms per request of this
 * process (process.cpuUsage), comparable to run.ts's `dispatcherCpuMsPerEvent`.
 *
 *   node --import tsx bench/hook-dispatcher/got-floor.ts [--requests 20000] [--in-flight 64]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import { decodeSigningSecret } from '@dragonpbx/shared/webhooks';
import { trace } from '@opentelemetry/api';
import { StatusHookPoster } from '../../services/hook-dispatcher/src/delivery/post-webhook.js';
import type { StatusEnvelope } from '@dragonpbx/shared/contracts';
import { reap } from '../lib/reap-children.js';
import { runMain } from '../lib/run-main.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const REQUESTS = arg('requests', 20_000);
const IN_FLIGHT = arg('in-flight', 64);

const RECEIVER = `
const http = require('node:http');
const s = http.createServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(200).end()); });
s.keepAliveTimeout = 60000;
s.listen(0, '127.0.0.1', () => process.stdout.write(String(s.address().port) + '\\n'));
`;

async function main() {
  const child: ChildProcess = reap(spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'pipe', 'inherit'] }));
  const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
  const url = `http://127.0.0.1:${port}/status`;
  const poster = new StatusHookPoster({
    key: decodeSigningSecret(`whsec_${randomBytes(24).toString('base64')}`),
    timeoutMs: 3000,
    maxSockets: IN_FLIGHT,
    tracer: trace.getTracer('got-floor'),
  });
  const list: StatusEnvelope[] = Array.from({ length: REQUESTS }, (_, i) => {
    const createdAt = new Date().toISOString();
    const callId = `floor-${i % 5000}@bench`;
    return { id: randomUUID(), callId, seq: 1, url, createdAt, body: { callId, event: 'connect:trying', seq: 1, timestamp: createdAt } };
  });
  // Warm up sockets and JIT.
  await Promise.all(list.slice(0, IN_FLIGHT).map((e) => poster.post(e, 1)));
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < list.length) await poster.post(list[next++]!, 1);
    }),
  );
  const ms = Date.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  poster.close();
  child.kill('SIGTERM');
  process.stdout.write(
    `${JSON.stringify(
      {
        load: os.loadavg().map((l) => l.toFixed(1)).join(' '),
        requests: REQUESTS,
        inFlight: IN_FLIGHT,
        perSec: Math.round((REQUESTS / ms) * 1000),
        cpuMsPerRequest: Math.round(((cpu.user + cpu.system) / 1000 / REQUESTS) * 1000) / 1000,
      },
      null,
      2,
    )}\n`,
  );
  process.exit(0);
}

runMain(main);
