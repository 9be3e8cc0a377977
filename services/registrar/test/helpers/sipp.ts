import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCENARIOS = fileURLToPath(new URL('../scenarios/', import.meta.url));

/** One SIPp run against a SIP target. */
export interface SippRunOptions {
  readonly scenario: string;
  /** `host:port` to send to; omitted for a UAS. */
  readonly target?: string;
  /** Local SIP port (`-p`), from the registrar's range 27000–27999. */
  readonly port: number;
  readonly keys?: Record<string, string>;
  /**
   * `{{name}}` placeholders replaced in the scenario text before the run, for
   * places SIPp does not expand `-key` values (e.g. `recv response`).
   */
  readonly vars?: Record<string, string>;
  /** @defaultValue 1 */
  readonly calls?: number;
  /** Calls per second. @defaultValue 10 */
  readonly rate?: number;
  /** @defaultValue 20 */
  readonly timeoutS?: number;
  readonly extra?: readonly string[];
}

export interface SippOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly errors: string;
}

/** A SIPp process; `done` resolves when it exits. */
export interface SippProcess {
  readonly done: Promise<SippOutcome>;
  kill(): void;
}

/** Starts SIPp in a temporary directory so its log files stay out of the repository. */
export function startSipp(o: SippRunOptions): SippProcess {
  const dir = mkdtempSync(join(tmpdir(), 'sipp-reg-'));
  let text = readFileSync(join(SCENARIOS, o.scenario), 'utf8');
  for (const [k, v] of Object.entries(o.vars ?? {})) text = text.replaceAll(`{{${k}}}`, v);
  const scenario = join(dir, 'scenario.xml');
  writeFileSync(scenario, text);
  const args = [
    ...(o.target ? [o.target] : []),
    '-sf', scenario,
    '-i', '127.0.0.1',
    '-p', String(o.port),
    '-m', String(o.calls ?? 1),
    '-r', String(o.rate ?? 10),
    '-timeout', `${o.timeoutS ?? 20}s`,
    '-timeout_error',
    '-nostdin',
    '-trace_err',
    '-error_file', join(dir, 'errors.log'),
    ...(o.extra ?? []),
  ];
  for (const [k, v] of Object.entries(o.keys ?? {})) args.push('-key', k, v);
  const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<SippOutcome>((resolve) => {
    child.once('exit', (code) => {
      let errors = '';
      try {
        for (const f of readdirSync(dir)) if (f.endsWith('.log') && f !== 'scenario.xml') errors += readFileSync(join(dir, f), 'utf8');
      } catch {
        // no log written
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({ code: code ?? 255, stdout, stderr, errors });
    });
  });
  return {
    done,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

export const runSipp = (o: SippRunOptions) => startSipp(o).done;

export const describeSipp = (r: SippOutcome) => `sipp exit ${r.code}\n${r.errors.slice(0, 2000)}\n${r.stderr.slice(0, 800)}`;
