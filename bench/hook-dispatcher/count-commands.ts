/**
 * Redis commands, Lua script calls and socket writes per event of one in-process dispatcher.
 *
 *   node --import tsx bench/hook-dispatcher/count-commands.ts [--events 4000] [--calls 1000] [--spread]
 *
 * Counts what the dispatcher's own ioredis connections send (BullMQ's included), so, unlike the
 * INFO commandstats delta of run.ts, other users of the shared Redis do not show up. Without
 * `--spread` every event is published at once (the throughput phase: calls have backlogs);
 * with it, one call's events are published one at a time with a pause, so each event finds its
 * call idle (the fixed-rate phase).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { connect } from 'nats';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { HookDispatcher } from '../../services/hook-dispatcher/src/dispatcher.js';
import type { StatusEnvelope } from '@dragonpbx/shared/contracts';
import { publishStatusEvent } from '@dragonpbx/shared/messaging';
import { runMain } from '../lib/run-main.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const EVENTS = arg('events', 4000);
const CALLS = arg('calls', 1000);
const SPREAD = process.argv.includes('--spread');

const commands = new Map<string, number>();
let writes = 0;
type Sendable = { name: string; args: unknown[] };
const proto = Redis.prototype as unknown as {
  sendCommand(this: Redis & { scriptsSet?: Record<string, { sha: string }> }, c: Sendable, ...rest: unknown[]): unknown;
};
const shaNames = new Map<string, string>();
const original = proto.sendCommand;
proto.sendCommand = function (c, ...rest) {
  let name = c.name;
  if (name === 'evalsha') {
    const sha = String(c.args[0]);
    if (!shaNames.has(sha)) {
      for (const [n, s] of Object.entries(this.scriptsSet ?? {})) shaNames.set(s.sha, n);
    }
    name = `evalsha:${shaNames.get(sha) ?? sha.slice(0, 8)}`;
  }
  commands.set(name, (commands.get(name) ?? 0) + 1);
  return original.call(this, c, ...rest);
};

async function main() {
  const seen = new Set<string>();
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.add(String(req.headers['webhook-id']));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/status`;
  const tag = `c${randomBytes(4).toString('hex')}`;
  const names = {
    subjectPrefix: `bench.${tag}`,
    streamName: `BENCH_${tag}`,
    consumerName: `hd_${tag}`,
    queueName: `q_${tag}`,
    keyPrefix: `bench:${tag}`,
  };
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  const nats = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
  const dispatcher = new HookDispatcher(
    { redis, nats, logger: pino({ level: 'warn' }), registry: new Registry() },
    { ...names, signingSecret: `whsec_${randomBytes(24).toString('base64')}`, concurrency: 128, hostConcurrency: 128 },
  );
  await dispatcher.start();
  await new Promise((r) => setTimeout(r, 500));
  // Count socket writes to Redis (round trips, roughly) from here on, on every connection.
  const redisPort = Number(new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379').port || 6379);
  const socketWrite = net.Socket.prototype.write;
  net.Socket.prototype.write = function (this: net.Socket, ...a: unknown[]) {
    if (this.remotePort === redisPort) writes += 1;
    return (socketWrite as (...x: unknown[]) => boolean).apply(this, a);
  } as typeof socketWrite;
  commands.clear();
  const list: StatusEnvelope[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const callId = `${tag}-${i % CALLS}@bench`;
    const seq = Math.floor(i / CALLS) + 1;
    const createdAt = new Date().toISOString();
    list.push({ id: randomUUID(), callId, seq, url, createdAt, body: { callId, event: 'x', seq, timestamp: createdAt } });
  }
  const js = nats.jetstream();
  if (SPREAD) {
    for (let i = 0; i < list.length; i += CALLS) {
      await Promise.all(list.slice(i, i + CALLS).map((e) => publishStatusEvent(js, e, { subjectPrefix: names.subjectPrefix })));
      const round = list.slice(i, i + CALLS);
      while (!round.every((e) => seen.has(e.id))) await new Promise((r) => setTimeout(r, 20));
    }
  } else {
    for (let i = 0; i < list.length; i += 256) {
      await Promise.all(list.slice(i, i + 256).map((e) => publishStatusEvent(js, e, { subjectPrefix: names.subjectPrefix })));
    }
  }
  while (!list.every((e) => seen.has(e.id))) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 300));
  const snapshot = new Map(commands);
  await dispatcher.stop();
  const jsm = await nats.jetstreamManager();
  await jsm.streams.delete(names.streamName).catch(() => undefined);
  const keys = await redis.keys(`${names.keyPrefix}:*`);
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
  await nats.close();
  redis.disconnect();
  server.close();
  const out: Record<string, number> = {};
  let total = 0;
  let scripts = 0;
  for (const [k, n] of [...snapshot].sort((a, b) => b[1] - a[1])) {
    total += n;
    if (k.startsWith('evalsha')) scripts += n;
    out[k] = Math.round((n / EVENTS) * 100) / 100;
  }
  process.stdout.write(
    `${JSON.stringify(
      {
        events: EVENTS,
        calls: CALLS,
        spread: SPREAD,
        perEvent: {
          commands: Math.round((total / EVENTS) * 100) / 100,
          scripts: Math.round((scripts / EVENTS) * 100) / 100,
          redisSocketWrites: Math.round((writes / EVENTS) * 100) / 100,
        },
        byCommand: out,
      },
      null,
      2,
    )}\n`,
  );
  process.exit(0);
}

runMain(main);
