/**
 * SIP edge abuse run: a real sip-server process (production defaults: 5 s to
 * authenticate, 20 s for a TCP message) and a minimal drachtio-srf app that
 * answers REGISTER 200, attacked on every port at once while a legitimate
 * phone registers over UDP and TCP every 100 ms:
 *
 * - the RFC 4475 set and seeded mutations of it and of ordinary requests over UDP
 * - two clients pushing 16 MB frames to the application port without authenticating
 * - silent connections to the application port
 * - slow senders trickling a header section over TCP, one byte a second
 *
 *   npm run bench:abuse -- [--fuzz 20000] [--slow 50] [--silent 20] [--out bench/results/sip-edge-abuse.md]
 *
 * Ports 25110 (application) and 25111 (SIP udp+tcp). Reports messages sent,
 * answers by class, RSS and open fds of the server before and after, REGISTER
 * latencies during the abuse and when each kind of hostile connection was closed.
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectApp, disconnectApp } from '../../services/sip-server/test/helpers/srf.js';
import { appPortFlood, type ClientFate, fuzzUdp, silentAppConnections, slowSenders } from '../../services/sip-server/test/abuse/attacks.js';
import { LegitPhone, type RegisterOutcome } from '../../services/sip-server/test/abuse/legit-register.js';
import { abuseTemplates } from '../../services/sip-server/test/abuse/templates.js';
import { reap } from '../lib/reap-children.js';
import { runMain } from '../lib/run-main.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ADMIN = 25110;
const SIP = 25111;

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? def) : def;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function procStats(pid: number): { rssMb: number; fds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  return { rssMb: Math.round(rss * 10) / 10, fds: readdirSync(`/proc/${pid}/fd`).length };
}

async function waitPort(port: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const ok = await new Promise<boolean>((r) => {
      const s = connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        r(true);
      });
      s.on('error', () => r(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`port ${port} never opened`);
}

function pct(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '–');

function closeSummary(fates: ClientFate[]): string {
  const closed = fates.map((f) => f.closedAfterMs).filter((v): v is number => v !== undefined);
  const written = Math.max(0, ...fates.map((f) => f.bytesWritten));
  return `${closed.length}/${fates.length} closed by the server, after ${ms(Math.min(...closed) / 1000)}–${ms(Math.max(...closed) / 1000)} s${written > 0 ? `; at most ${(written / 1024).toFixed(0)} KiB written before the close` : ''}`;
}

async function main(): Promise<void> {
  const fuzzCount = Number(arg('fuzz', '20000'));
  const slowCount = Number(arg('slow', '50'));
  const silentCount = Number(arg('silent', '20'));
  const out = resolve(ROOT, arg('out', 'bench/results/sip-edge-abuse.md'));
  const command = `npm run bench:abuse -- --fuzz ${fuzzCount} --slow ${slowCount} --silent ${silentCount}`;

  const server = reap(
    spawn(
      process.execPath,
      ['--import', 'tsx', 'services/sip-server/src/main.ts', '--noconfig', '--address', '127.0.0.1', '--port', String(ADMIN),
        '--contact', `sip:127.0.0.1:${SIP};transport=udp,tcp`, '--loglevel', 'error'],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
    ),
  );
  await waitPort(ADMIN);
  const app = await connectApp(ADMIN);
  app.register((_req: unknown, res: { send(s: number): void }) => res.send(200));
  const phone = await LegitPhone.open('127.0.0.1', SIP, SIP);
  for (let i = 0; i < 20; i++) await phone.register(i % 2 ? 'TCP' : 'UDP'); // warm-up
  // Baseline: the same probing for 5 s with no abuse.
  const quiet: Record<'UDP' | 'TCP', RegisterOutcome[]> = { UDP: [], TCP: [] };
  for (let i = 0; i < 50; i++) {
    const t = i % 2 ? 'TCP' : 'UDP';
    quiet[t].push(await phone.register(t));
    await sleep(100);
  }
  await sleep(1000);
  const before = procStats(server.pid!);

  // The phone registers every 100 ms, alternating transports, while each phase of attacks lasts.
  type Outcomes = Record<'UDP' | 'TCP', RegisterOutcome[]>;
  async function probeDuring<T>(attacks: () => Promise<T>): Promise<{ result: T; outcomes: Outcomes; seconds: number }> {
    const outcomes: Outcomes = { UDP: [], TCP: [] };
    let attacking = true;
    const probing = (async () => {
      for (let i = 0; attacking; i++) {
        const t = i % 2 ? 'TCP' : 'UDP';
        outcomes[t].push(await phone.register(t));
        await sleep(100);
      }
    })();
    const t0 = Date.now();
    const result = await attacks();
    const seconds = (Date.now() - t0) / 1000;
    attacking = false;
    await probing;
    return { result, outcomes, seconds };
  }

  // Phase 1, the connection-level attacks: 16 MB frames and silent connections on the
  // application port, slow senders on SIP TCP.
  const connections = await probeDuring(() =>
    Promise.all([
      appPortFlood({ host: '127.0.0.1', port: ADMIN, clients: 2, frameBytes: 16 * 1024 * 1024, timeoutMs: 30_000 }),
      silentAppConnections({ host: '127.0.0.1', port: ADMIN, count: silentCount, timeoutMs: 30_000 }),
      slowSenders({ host: '127.0.0.1', port: SIP, count: slowCount, intervalMs: 1000, timeoutMs: 40_000 }),
    ]),
  );
  const [flood, silent, slow] = connections.result;
  await sleep(1000);
  // Phase 2, the message-level attack: fuzzed datagrams, sent by this same process.
  const { torture, ordinary } = abuseTemplates();
  const fuzzing = await probeDuring(() =>
    fuzzUdp({ host: '127.0.0.1', port: SIP, count: fuzzCount, seed: 20261206, templates: [...torture, ...ordinary] }),
  );
  const fuzz = fuzzing.result;
  await sleep(2000);
  const after = procStats(server.pid!);
  phone.close();
  disconnectApp(app);
  server.kill('SIGTERM');

  const rows = (['UDP', 'TCP'] as const).flatMap((t) => [
    row(`${t}, no abuse`, quiet[t]),
    row(`${t}, during the 16 MB frames, silent and slow connections`, connections.outcomes[t]),
    row(`${t}, during the fuzzed datagrams`, fuzzing.outcomes[t]),
  ]);
  function row(label: string, o: RegisterOutcome[]): string {
    const answered = o.filter((x) => x.status === 200).map((x) => x.ms);
    const under100 = answered.filter((v) => v < 100).length;
    return `| ${label} | ${o.length} | ${answered.length} | ${under100} | ${ms(pct(answered, 50))} | ${ms(pct(answered, 95))} | ${ms(pct(answered, 99))} | ${ms(Math.max(...answered))} |`;
  }
  const classes = Object.entries(fuzz.answers)
    .sort()
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const statuses = Object.entries(fuzz.statuses)
    .map(([k, v]) => `${k}×${v}`)
    .join(', ');
  const report = `# SIP edge abuse run

Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average at the end ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' / ')}.
Date: ${new Date().toISOString()}.
Command: \`${command}\` (script: \`bench/sip-edge/abuse.ts\`).

A real sip-server process with the production defaults (5 s to authenticate on the application
port, 20 s for a complete TCP message, 256 TCP connections per address), a minimal drachtio-srf
app answering REGISTER 200 in the benchmark process, and at the same time:

1. for ${connections.seconds.toFixed(1)} s (until the last slow sender was closed):
   - 2 clients announcing a 16 MB frame on the application port and pushing it without authenticating
   - ${silentCount} silent connections to the application port
   - ${slowCount} TCP clients trickling a REGISTER header section one byte a second
2. then, for ${fuzzing.seconds.toFixed(1)} s, ${fuzz.sent} UDP datagrams: the ${torture.length} RFC 4475 messages, 3
   ordinary requests and seeded mutations of them (bit flips, truncation, inserted bytes, hostile
   Content-Length/Via/CSeq lines, repeated headers, ~64 KB datagrams, CRLF/NUL storms, garbage)

## Legitimate REGISTERs (one every 100 ms, alternating transports)

The phone, the app and the attackers share the benchmark process; its own event loop, busy
sending the fuzz in phase 2, adds to those times.

| transport | sent | answered 200 | under 100 ms | p50 ms | p95 ms | p99 ms | max ms |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}

## Hostile traffic

- Fuzzed datagrams: ${fuzz.sent} sent; answers by class: ${classes || 'none'} (${statuses}). Messages
  without a usable Via/Call-ID, garbage and responses are dropped without an answer.
- 16 MB unauthenticated frames: ${closeSummary(flood)} (what the client wrote went into socket
  buffers; the server read only the length prefix and closed).
- Silent application connections: ${closeSummary(silent)}.
- Slow senders: ${closeSummary(slow)}.

## Server process

| | RSS MB | open fds |
|---|---|---|
| before the attacks (after a warm-up) | ${before.rssMb} | ${before.fds} |
| 2 s after the attacks | ${after.rssMb} | ${after.fds} |
`;
  writeFileSync(out, report);
  process.stdout.write(report);
}

runMain(main);
