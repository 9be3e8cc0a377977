/**
 * Runs SIPp (Debian `sip-tester`) for integration tests and benchmarks: each
 * run gets a temporary working directory, so its log files stay out of the
 * repository, and the `-trace_err` output comes back with the exit code.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One SIPp run. */
export interface SippOptions {
  /** Absolute path of the scenario file. */
  readonly scenario: string;
  /** `host:port` to send to (UAC); omitted for a UAS. */
  readonly target?: string;
  /** Local SIP port (`-p`). */
  readonly port: number;
  /** Local media port (`-mp`); SIPp picks one when omitted. */
  readonly mediaPort?: number;
  /** `-t u1` (UDP) or `-t t1` (TCP); SIPp's default (UDP) when omitted. */
  readonly transport?: 'u1' | 't1';
  /** Calls to complete (`-m`). @defaultValue 1 */
  readonly calls?: number;
  /** Calls per second (`-r`). @defaultValue 10 */
  readonly rate?: number;
  /** `-s` service (request-URI user); SIPp's default when omitted. */
  readonly service?: string;
  /** Whole-run timeout in seconds (`-timeout … -timeout_error`). @defaultValue 30 */
  readonly timeoutS?: number;
  /** Custom `[key]` values (`-key name value`). */
  readonly keys?: Readonly<Record<string, string>>;
  /**
   * `{{name}}` placeholders replaced in the scenario text before the run, for
   * places SIPp does not expand `-key` values (attributes such as `retrans`
   * or `recv response`).
   */
  readonly vars?: Readonly<Record<string, string>>;
  /** Local address (`-i`). @defaultValue '127.0.0.1' */
  readonly localIp?: string;
  /** Extra raw arguments (e.g. `-lost 10`). */
  readonly extra?: readonly string[];
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

/** A running SIPp (e.g. a UAS started before the application places its call). */
export interface SippProcess {
  readonly done: Promise<SippResult>;
  kill(): void;
}

/** The command line for `o`, with the scenario already at `scenarioPath`. */
function sippArgs(o: SippOptions, scenarioPath: string, errorFile: string): string[] {
  const args = [...(o.target ? [o.target] : []), '-sf', scenarioPath, '-i', o.localIp ?? '127.0.0.1', '-p', String(o.port)];
  if (o.mediaPort !== undefined) args.push('-mp', String(o.mediaPort));
  if (o.transport) args.push('-t', o.transport);
  args.push('-m', String(o.calls ?? 1), '-r', String(o.rate ?? 10));
  if (o.service !== undefined) args.push('-s', o.service);
  args.push('-timeout', `${o.timeoutS ?? 30}s`, '-timeout_error', '-nostdin', '-trace_err', '-error_file', errorFile);
  for (const [k, v] of Object.entries(o.keys ?? {})) args.push('-key', k, v);
  args.push(...(o.extra ?? []));
  return args;
}

/** Starts SIPp in its own temporary directory; `done` resolves when it exits. */
export function startSipp(o: SippOptions): SippProcess {
  const dir = mkdtempSync(join(tmpdir(), 'dragon-sipp-'));
  let scenarioPath = o.scenario;
  if (o.vars && Object.keys(o.vars).length > 0) {
    let text = readFileSync(o.scenario, 'utf8');
    for (const [k, v] of Object.entries(o.vars)) text = text.replaceAll(`{{${k}}}`, v);
    scenarioPath = join(dir, 'scenario.xml');
    writeFileSync(scenarioPath, text);
  }
  const child = spawn('sipp', sippArgs(o, scenarioPath, join(dir, 'errors.log')), {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<SippResult>((resolve) => {
    let ended = false;
    const finish = (code: number) => {
      if (ended) return;
      ended = true;
      let errors = '';
      try {
        for (const f of readdirSync(dir)) if (f.endsWith('.log')) errors += readFileSync(join(dir, f), 'utf8');
      } catch {
        // no log written: no error
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, stdout, stderr, errors });
    };
    // A missing binary is an 'error' without an 'exit': report it as a fatal run, not a hang.
    child.once('error', (err) => {
      stderr += `\n${err.message}`;
      finish(255);
    });
    child.once('exit', (code) => finish(code ?? 255));
  });
  return {
    done,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Runs SIPp to completion. */
export function runSipp(o: SippOptions): Promise<SippResult> {
  return startSipp(o).done;
}

/** Short text for assertion messages: exit code, the error trace, then stderr. */
export function describeSipp(r: SippResult): string {
  return `sipp exit ${r.code}\n${r.errors.slice(0, 3000)}\n${r.stderr.slice(0, 1000)}`;
}

/** One SIPp run of a package's own scenarios; `scenario` names a file in their folder. */
export type ScenarioRunOptions = Omit<SippOptions, 'scenario' | 'transport' | 'service'> & { readonly scenario: string };

/**
 * `startSipp`/`runSipp` bound to one folder of scenario files, with a 20 s run timeout
 * unless given: what each test package's SIPp helper is.
 */
export function scenarioSipp(dir: string): {
  startSipp(o: ScenarioRunOptions): SippProcess;
  runSipp(o: ScenarioRunOptions): Promise<SippResult>;
} {
  const folder = dir.endsWith('/') ? dir : `${dir}/`;
  const start = (o: ScenarioRunOptions) => startSipp({ ...o, timeoutS: o.timeoutS ?? 20, scenario: folder + o.scenario });
  return { startSipp: start, runSipp: (o) => start(o).done };
}
