import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reap } from '../lib/reap-children.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
/** The domain of the bench's config; the caller's Request-URI host. */
export const BENCH_DOMAIN = 'bench.test';

/** Outcome of one SIPp caller run. */
export interface UacRun {
  readonly rate: number;
  readonly calls: number;
  readonly successful: number;
  readonly failed: number;
  readonly exitCode: number;
  /** Wall-clock seconds from spawn to exit. */
  readonly seconds: number;
  /** Call number → wall-clock µs when its INVITE went out (only with `timestamps`). */
  readonly sentAtUs: Map<string, number>;
  /** The start of SIPp's error log when calls failed. */
  readonly errors: string;
}

/** Parses SIPp `<log>` lines "<key> <seconds> <microseconds>" into key → µs. */
function readTimestamps(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('_logs.log'))) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      const [key, s, us] = line.trim().split(/\s+/);
      if (key && s && us) out.set(key, Math.round(Number(s)) * 1_000_000 + Math.round(Number(us)));
    }
  }
  return out;
}

/**
 * Runs the bench caller (uac-call.xml) against `target`: `calls` calls at
 * `rate`/s, each held `holdMs` after the ACK. `timestamps` logs the send time
 * of every INVITE (SIPp -trace_logs).
 */
export function runUac(o: {
  target: string;
  port: number;
  mediaPort: number;
  rate: number;
  calls: number;
  holdMs: number;
  timestamps?: boolean;
}): Promise<UacRun> {
  const dir = mkdtempSync(join(tmpdir(), 'sipp-bench-cr-'));
  const budget = Math.ceil(o.calls / o.rate + o.holdMs / 1000) + 30;
  const args = [
    o.target, '-sf', join(HERE, 'uac-call.xml'), '-s', '9000', '-key', 'domain', BENCH_DOMAIN,
    '-i', '127.0.0.1', '-p', String(o.port), '-mp', String(o.mediaPort),
    '-t', 'u1', '-r', String(o.rate), '-m', String(o.calls), '-d', String(o.holdMs),
    '-l', String(Math.max(100, Math.ceil(o.rate * (o.holdMs / 1000 + 4)))), '-recv_timeout', '8000',
    '-timeout', `${budget}s`, '-timeout_error', '-nostdin', '-max_socket', '1000', '-buff_size', '4194304',
    '-trace_err', '-error_file', join(dir, 'errors.log'),
    ...(o.timestamps ? ['-trace_logs'] : []),
  ];
  const started = process.hrtime.bigint();
  const child = reap(spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }));
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  });
  child.stderr.on('data', () => {});
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const num = (label: string) => {
        const m = new RegExp(`${label}\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)`).exec(out);
        return m ? Number(m[1]) : 0;
      };
      const errFile = join(dir, 'errors.log');
      const errors = existsSync(errFile) ? readFileSync(errFile, 'utf8').slice(0, 1500) : '';
      const sentAtUs = o.timestamps ? readTimestamps(dir) : new Map<string, number>();
      rmSync(dir, { recursive: true, force: true });
      resolve({ rate: o.rate, calls: o.calls, successful: num('Successful call'), failed: num('Failed call'), exitCode: code ?? 255, seconds, sentAtUs, errors });
    });
  });
}

/** A running bench callee (uas-answer.xml). */
export interface Uas {
  /** From user (c<call number>) → wall-clock µs when its INVITE arrived; complete once `exited`. */
  receivedAtUs(): Map<string, number>;
  /** Resolves when SIPp exits by itself (after `calls` calls) or is stopped. */
  readonly exited: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the bench callee on `port`; `timestamps` logs the arrival time of
 * every INVITE, `calls` makes it exit after that many calls (SIPp writes its
 * log completely only on exit).
 */
export function startUas(port: number, mediaPort: number, o: { timestamps?: boolean; calls?: number } = {}): Uas {
  const dir = mkdtempSync(join(tmpdir(), 'sipp-bench-cr-uas-'));
  const child: ChildProcess = reap(
    spawn(
      'sipp',
      [
        '-sf', join(HERE, 'uas-answer.xml'), '-i', '127.0.0.1', '-p', String(port), '-mp', String(mediaPort),
        '-t', 'u1', '-nostdin', '-max_socket', '1000', '-buff_size', '4194304',
        ...(o.timestamps ? ['-trace_logs'] : []),
        ...(o.calls ? ['-m', String(o.calls)] : []),
      ],
      { cwd: dir, stdio: 'ignore' },
    ),
  );
  const exited = new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
  return {
    receivedAtUs: () => readTimestamps(dir),
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
