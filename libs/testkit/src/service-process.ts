import { type ChildProcess, spawn } from 'node:child_process';

/** A service's entry point running as a child process, as an operator runs it. */
export interface ServiceProcess {
  readonly child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Its exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
}

/** Options of {@link spawnService}. */
export interface SpawnServiceOptions {
  /** Working directory. @defaultValue the current one */
  readonly cwd?: string;
  /** Start from this process's environment (else from PATH alone). @defaultValue true */
  readonly inheritEnv?: boolean;
  /** Command-line arguments after the entry point (e.g. the SIP server's drachtio options). @defaultValue none */
  readonly args?: readonly string[];
  /** Node flags before `--import tsx` (e.g. `--single-threaded-gc`). @defaultValue none */
  readonly nodeFlags?: readonly string[];
}

/** Runs `entry` (a TypeScript file) with `node --import tsx` and `env` on top of the base environment. */
export function spawnService(entry: string, env: Record<string, string | undefined>, options: SpawnServiceOptions = {}): ServiceProcess {
  const base = options.inheritEnv === false ? { PATH: process.env.PATH } : process.env;
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), '--import', 'tsx', entry, ...(options.args ?? [])], {
    ...(options.cwd !== undefined && { cwd: options.cwd }),
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const append = (d: Buffer) => {
    out += d.toString();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Polls `check` every 100 ms until it holds; throws naming `what` after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
