/**
 * REGISTER benchmark: authenticated registrations per second through the full
 * path (SIPp → sip-server → registrar → RegHook → Redis) against the same SIPp
 * load answered by a minimal drachtio-srf app (200 without auth).
 *
 *   node --import tsx bench/registrar/run.ts [--rates 250,500,1000] [--seconds 5] [--out bench/results/registrar.md] [--cpu-prof dir] [--no-baseline]
 *
 * `--no-baseline` skips the minimal-app runs (for quick before/after checks of the registrar).
 * `--warmup <seconds>` first runs each app at the first rate for that long, unrecorded, so that
 * the recorded CPU per registration is not the JIT's warm-up.
 *
 * Needs Redis and NATS on 127.0.0.1 (scripts/infra.sh up) and sipp on PATH.
 * Ports 27501–27505 (the registrar's range).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';

/** 1/5/15-minute load averages when the benchmark started (other work on the machine skews the rates). */
const LOAD_AT_START = loadavg();
const fmtLoad = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { processCpuMs } from '../lib/proc-stats.js';
import { reap } from '../lib/reap-children.js';
import { runMain } from '../lib/run-main.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const SIP = 27501;
const ADMIN = 27502;
const SIPP = 27503;
const METRICS = 27504;
const SECRET = 'bench-secret';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const rates = arg('rates', '250,500,750,1000,1250').split(',').map(Number);
const seconds = Number(arg('seconds', '5'));
const out = resolve(ROOT, arg('out', 'bench/results/registrar.md'));
const cpuProf = arg('cpu-prof', '');
const withBaseline = !process.argv.includes('--no-baseline');
const warmupSeconds = Number(arg('warmup', '0'));


function start(name: string, args: string[], env: Record<string, string> = {}, nodeFlags: string[] = []): ChildProcess {
  // Never leave a SIP server or app behind on the bench ports, whatever happens.
  const child = reap(
    spawn(process.execPath, [...nodeFlags, '--import', 'tsx', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(`[${name}] ${d}`));
  return child;
}

async function waitFor(check: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((r) => {
    child.once('exit', () => r());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

/** CPU time of a process so far, ms (0 once it is gone). */
const cpuMs = (pid: number | undefined) => processCpuMs(pid, 0);

interface Step {
  rate: number;
  /** CPU ms per successful registration: SIP server, then the application. */
  serverCpu: number;
  appCpu: number;
  calls: number;
  ok: number;
  failed: number;
  seconds: number;
  perSecond: number;
}

async function measure(scenario: string, rate: number, server: ChildProcess, app: ChildProcess): Promise<Step> {
  const s0 = cpuMs(server.pid);
  const a0 = cpuMs(app.pid);
  const step = await sipp(scenario, rate);
  const n = Math.max(1, step.ok);
  return { ...step, serverCpu: (cpuMs(server.pid) - s0) / n, appCpu: (cpuMs(app.pid) - a0) / n };
}

async function warmUp(scenario: string): Promise<void> {
  if (warmupSeconds <= 0) return;
  const step = await sipp(scenario, rates[0]!, warmupSeconds);
  process.stdout.write(`warm-up    rate ${step.rate}/s: ${step.ok} ok, ${step.failed} failed (not recorded)\n`);
}

function sipp(scenario: string, rate: number, duration = seconds): Promise<Omit<Step, 'serverCpu' | 'appCpu'>> {
  const calls = rate * duration;
  const dir = mkdtempSync(join(tmpdir(), 'bench-reg-'));
  const args = [
    `127.0.0.1:${SIP}`,
    '-sf', join(HERE, scenario),
    '-i', '127.0.0.1', '-p', String(SIPP),
    '-r', String(rate), '-m', String(calls), '-l', String(rate * 4),
    '-au', '2000', '-ap', 'bench-password',
    '-timeout', `${duration * 6 + 20}s`, '-timeout_error', '-nostdin',
    '-trace_err', '-error_file', join(dir, 'errors.log'),
  ];
  const started = performance.now();
  return new Promise((resolveStep) => {
    const child = reap(spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }));
    let text = '';
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString();
    });
    child.once('exit', () => {
      const elapsed = (performance.now() - started) / 1000;
      const count = (label: string) => Number(new RegExp(`${label}\\s+\\|\\s+\\d+\\s+\\|\\s+(\\d+)`).exec(text)?.[1] ?? 0);
      const ok = count('Successful call');
      const failed = count('Failed call') + (calls - ok - count('Failed call'));
      const errors = join(dir, 'errors.log');
      if (failed > 0 && existsSync(errors)) process.stderr.write(`[sipp] ${readFileSync(errors, 'utf8').slice(0, 1500)}\n`);
      rmSync(dir, { recursive: true, force: true });
      resolveStep({ rate, calls, ok, failed, seconds: elapsed, perSecond: ok / elapsed });
    });
  });
}

async function main(): Promise<void> {
  const prefix = `bench:reg:${process.pid}:`;
  const dir = mkdtempSync(join(tmpdir(), 'bench-reg-cfg-'));
  let hookCalls = 0;
  const hook = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hookCalls++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ok","expires":300,"maxClients":1,"codecs":["PCMU"]}');
    });
  });
  // Keep-alive check: every RegHook POST should reuse a pooled connection.
  let hookConnections = 0;
  hook.on('connection', () => {
    hookConnections++;
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const hookPort = (hook.address() as { port: number }).port;
  const configFile = join(dir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({ domains: { 'bench.test': { domain_id: 1, clients: [{ id: 1, username: '*', reghook: `http://127.0.0.1:${hookPort}/reghook` }], trunks: [] } } }),
  );

  const server = start('sip-server', ['services/sip-server/src/main.ts', '--noconfig', '-p', String(ADMIN), '--address', '127.0.0.1', '--secret', SECRET, '-c', `sip:127.0.0.1:${SIP};transport=udp`, '-l', 'error']);
  await new Promise((r) => setTimeout(r, 1500));

  const results: { name: string; steps: Step[] }[] = [];
  const registrar = start('registrar', ['services/registrar/src/main.ts'], {
    DATA_SOURCE: 'json',
    CONFIG_FILE: configFile,
    DRACHTIO_HOST: '127.0.0.1',
    DRACHTIO_PORT: String(ADMIN),
    DRACHTIO_SECRET: SECRET,
    METRICS_PORT: String(METRICS),
    REDIS_KEY_PREFIX: prefix,
    REGISTRAR_NONCE_SECRET: 'bench-nonce-secret-0123456789abcdef',
    DIGEST_ALGORITHMS: 'MD5,SHA-256',
    FLOOD_TRUSTED_CIDRS: '127.0.0.0/8',
    LOGLEVEL: 'error',
  },
  // `--cpu-prof <dir>` writes a V8 CPU profile of the registrar on exit.
  cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${resolve(cpuProf)}`] : [],
  );
  await waitFor(async () => (await fetch(`http://127.0.0.1:${METRICS}/readyz`)).ok, 'registrar ready');
  const full: Step[] = [];
  await warmUp('register-auth.xml');
  for (const rate of rates) {
    const step = await measure('register-auth.xml', rate, server, registrar);
    full.push(step);
    process.stdout.write(`full path  rate ${rate}/s: ${step.ok} ok, ${step.failed} failed, ${step.perSecond.toFixed(0)} reg/s, CPU ms/reg sip-server ${step.serverCpu.toFixed(2)} app ${step.appCpu.toFixed(2)} (RegHook connections so far ${hookConnections})\n`);
  }
  results.push({ name: 'full path (auth + RegHook + Redis)', steps: full });
  await stop(registrar);

  const base: Step[] = [];
  if (withBaseline) {
    const baseline = start('baseline', ['bench/registrar/baseline-app.ts', String(ADMIN), SECRET]);
    let baselineOut = '';
    baseline.stdout!.on('data', (d: Buffer) => {
      baselineOut += d.toString();
    });
    await waitFor(async () => baselineOut.includes('baseline ready'), 'baseline app');
    await warmUp('register-noauth.xml');
    for (const rate of rates) {
      const step = await measure('register-noauth.xml', rate, server, baseline);
      base.push(step);
      process.stdout.write(`baseline   rate ${rate}/s: ${step.ok} ok, ${step.failed} failed, ${step.perSecond.toFixed(0)} reg/s, CPU ms/reg sip-server ${step.serverCpu.toFixed(2)} app ${step.appCpu.toFixed(2)}\n`);
    }
    results.push({ name: 'baseline (200 without auth)', steps: base });
    await stop(baseline);
  }
  await stop(server);
  hook.close();

  const redis = new Redis('redis://127.0.0.1:6379');
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  await redis.quit();
  rmSync(dir, { recursive: true, force: true });

  const best = (steps: Step[]) => steps.filter((s) => s.failed === 0).reduce((m, s) => Math.max(m, s.perSecond), 0);
  const bFull = best(full);
  const bBase = best(base);
  const cpu = cpus()[0]?.model ?? 'unknown';
  const table = (steps: Step[]) =>
    steps
      .map(
        (s) =>
          `| ${s.rate} | ${s.calls} | ${s.ok} | ${s.failed} | ${s.seconds.toFixed(1)} | ${s.perSecond.toFixed(0)} | ${s.serverCpu.toFixed(2)} | ${s.appCpu.toFixed(2)} |`,
      )
      .join('\n');
  const capacity = (steps: Step[]) => {
    const ok = steps.filter((s) => s.failed === 0 && s.ok > 0);
    if (ok.length === 0) return 0;
    const per = ok.reduce((m, s) => m + s.serverCpu + s.appCpu, 0) / ok.length;
    return per > 0 ? 1000 / per : 0;
  };
  const md = `# Registrar benchmark

REGISTER with digest auth and a RegHook, through the full path
(SIPp → sip-server → registrar → RegHook → Redis), against the same SIPp load
answered by a minimal drachtio-srf app that replies 200 without auth.

- Date: ${new Date().toISOString()}
- Machine: ${cpus().length} × ${cpu}, Node ${process.version}; load average (1/5/15 min) ${fmtLoad(LOAD_AT_START)} at the start, ${fmtLoad(loadavg())} at the end
- Command: \`node --import tsx bench/registrar/run.ts --rates ${rates.join(',')} --seconds ${seconds}${warmupSeconds > 0 ? ` --warmup ${warmupSeconds}` : ''}\`
- Each full-path registration is two SIP transactions (REGISTER → 401, REGISTER → 200),
  one RegHook POST, one nonce claim and one contact write in Redis; the baseline is one transaction.
- All processes (SIPp, sip-server, registrar, the RegHook server) share the same cores.
- RegHook calls answered: ${hookCalls} over ${hookConnections} TCP connections

## Full path

| target rate/s | calls | ok | failed | seconds | registrations/s | sip-server CPU ms/reg | registrar CPU ms/reg |
|---|---|---|---|---|---|---|---|
${table(full)}

## Baseline

| target rate/s | calls | ok | failed | seconds | registrations/s | sip-server CPU ms/reg | app CPU ms/reg |
|---|---|---|---|---|---|---|---|
${table(base)}

## Result

- Best full-path rate with zero failures: **${bFull.toFixed(0)} authenticated registrations/s**
- Best baseline rate with zero failures: **${bBase.toFixed(0)} registrations/s**
- Ratio full path / baseline: **${bBase > 0 ? (bFull / bBase).toFixed(2) : 'n/a'}**
- Target (1 000 authenticated registrations/s): **${bFull >= 1000 ? 'met' : 'not met'}**
- CPU cost: full path ${(1000 / Math.max(capacity(full), 1e-9)).toFixed(2)} ms per registration (sip-server + registrar),
  baseline ${(1000 / Math.max(capacity(base), 1e-9)).toFixed(2)} ms; i.e. about ${capacity(full).toFixed(0)} vs ${capacity(base).toFixed(0)}
  registrations per fully-used core (SIPp, Redis and the RegHook server not counted).
`;
  writeFileSync(out, md);
  process.stdout.write(`${md}\n`);
}

runMain(main);
