import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reap } from '../lib/reap-children.js';

/** Outcome of one SIPp UAC run. */
export interface UacRun {
  readonly rate: number;
  readonly calls: number;
  readonly successful: number;
  readonly failed: number;
  readonly exitCode: number;
  /** Wall-clock seconds from spawn to exit. */
  readonly seconds: number;
}

/** Runs SIPp's built-in `uac` scenario (INVITE, 200, ACK, BYE, 200) against `target`. */
export function runUac(o: { target: string; port: number; mediaPort: number; rate: number; calls: number }): Promise<UacRun> {
  const dir = mkdtempSync(join(tmpdir(), 'sipp-bench-'));
  const budget = Math.ceil(o.calls / o.rate) + 30;
  const args = [
    o.target, '-sn', 'uac', '-i', '127.0.0.1', '-p', String(o.port), '-mp', String(o.mediaPort),
    '-t', 'u1', '-r', String(o.rate), '-m', String(o.calls),
    '-l', String(Math.max(100, o.rate * 4)), '-recv_timeout', '8000', '-timeout', `${budget}s`,
    '-timeout_error', '-nostdin', '-max_socket', '1000', '-buff_size', '4194304',
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
      rmSync(dir, { recursive: true, force: true });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const num = (label: string) => {
        const m = new RegExp(`${label}\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)`).exec(out);
        return m ? Number(m[1]) : 0;
      };
      resolve({
        rate: o.rate,
        calls: o.calls,
        successful: num('Successful call'),
        failed: num('Failed call'),
        exitCode: code ?? 255,
        seconds,
      });
    });
  });
}

/** Starts SIPp's built-in `uas` on `port`; returns a stopper. */
export function startUas(port: number, mediaPort: number): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'sipp-bench-uas-'));
  const child = reap(
    spawn('sipp', ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(port), '-mp', String(mediaPort), '-nostdin', '-max_socket', '1000', '-buff_size', '4194304'], {
      cwd: dir,
      stdio: 'ignore',
    }),
  );
  return () => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
}
