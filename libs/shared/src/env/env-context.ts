import { hostname } from 'node:os';

/** Process facts the defaults depend on; passed in so tests control them. */
export interface EnvContext {
  readonly cwd: string;
  readonly hostname: string;
  readonly pid: number;
}

/** The live process's context. */
export function processContext(): EnvContext {
  return { cwd: process.cwd(), hostname: hostname(), pid: process.pid };
}
