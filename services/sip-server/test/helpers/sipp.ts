import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Directory of the SIPp scenarios of this package. */
export const SCENARIOS = fileURLToPath(new URL('../scenarios/', import.meta.url));

/** One SIPp run. */
export interface SippOptions {
  /** Scenario file name inside `test/scenarios/`, or an absolute path. */
  scenario: string;
  /** `host:port` to send to (UAC); omitted for a UAS. */
  target?: string;
  /** Local SIP port (`-p`). */
  port: number;
  /** Local media port (`-mp`). */
  mediaPort: number;
  /** `-t u1` (UDP) or `-t t1` (TCP). @defaultValue 'u1' */
  transport?: 'u1' | 't1';
  /** Calls to complete (`-m`). @defaultValue 1 */
  calls?: number;
  /** Calls per second (`-r`). @defaultValue 10 */
  rate?: number;
  /** `-s` service (request-URI user). @defaultValue 'service' */
  service?: string;
  /** Whole-run timeout in seconds (`-timeout … -timeout_error`). @defaultValue 30 */
  timeoutS?: number;
  /** Custom `[key]` values (`-key name value`). */
  keys?: Record<string, string>;
  /** Local address (`-i`). @defaultValue '127.0.0.1' */
  localIp?: string;
  /** Extra raw arguments (e.g. `-lost 10`). */
  extra?: string[];
}

/** What a finished run left behind. */
export interface SippResult {
  /** 0 = every call succeeded; 1 = some failed; 99 = no call processed; 255/254 = fatal. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Contents of the `-trace_err` file (empty when no error). */
  readonly errors: string;
}

/** A running SIPp (typically a UAS started before the application places its call). */
export interface SippRun {
  readonly done: Promise<SippResult>;
  kill(): void;
}

/** Starts SIPp in its own temporary directory (its log files stay out of the repo). */
export function startSipp(o: SippOptions): SippRun {
  const dir = mkdtempSync(join(tmpdir(), 'sipp-'));
  const args = [
    ...(o.target ? [o.target] : []),
    '-sf', resolve(SCENARIOS, o.scenario),
    '-i', o.localIp ?? '127.0.0.1',
    '-p', String(o.port),
    '-mp', String(o.mediaPort),
    '-t', o.transport ?? 'u1',
    '-m', String(o.calls ?? 1),
    '-r', String(o.rate ?? 10),
    '-s', o.service ?? 'service',
    '-timeout', `${o.timeoutS ?? 30}s`,
    '-timeout_error',
    '-nostdin',
    '-trace_err',
    '-error_file', join(dir, 'errors.log'),
    '-max_socket', '100',
  ];
  for (const [k, v] of Object.entries(o.keys ?? {})) args.push('-key', k, v);
  args.push(...(o.extra ?? []));
  const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<SippResult>((resolve) => {
    child.once('exit', (code) => {
      let errors = '';
      try {
        for (const f of readdirSync(dir)) if (f.endsWith('.log')) errors += readFileSync(join(dir, f), 'utf8');
      } catch {
        // no error file: no error
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({ code: code ?? 255, stdout, stderr, errors });
    });
  });
  return {
    done,
    kill: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** Runs SIPp to completion. */
export function runSipp(o: SippOptions): Promise<SippResult> {
  return startSipp(o).done;
}

/** Short text for assertion messages. */
export function describeRun(r: SippResult): string {
  return `sipp exit ${r.code}\n${r.errors.slice(0, 3000)}\n${r.stderr.slice(0, 1000)}`;
}
