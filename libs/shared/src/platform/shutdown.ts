import type { Logger } from 'pino';
import { PBX_ERR_SHUTDOWN_TIMEOUT } from './platform-errors.js';

/** Default drain-and-stop deadline, ms. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/** One step of a shutdown, run in order. */
export interface ShutdownStep {
  readonly name: string;
  run(): Promise<void> | void;
}

/** Options of {@link runShutdown}. */
export interface ShutdownOptions {
  readonly service: string;
  readonly steps: readonly ShutdownStep[];
  readonly deadlineMs: number;
  readonly logger: Logger;
  /** Ends the process (tests pass their own). */
  readonly exit: (code: number) => void;
}

/**
 * Runs the steps in order and exits 0, or exits 1 with one clear line when a
 * step throws or the whole sequence outlasts `deadlineMs` (a stuck drain must
 * not hold a pod in Terminating until the kubelet's SIGKILL). A step that throws
 * is logged and the next one still runs: infrastructure is closed in any case.
 */
export async function runShutdown(options: ShutdownOptions): Promise<void> {
  const { logger, service } = options;
  const timer = setTimeout(() => {
    const err = new PBX_ERR_SHUTDOWN_TIMEOUT(service, options.deadlineMs);
    logger.error({ code: err.code }, `${err.code}: ${err.message}; exiting`);
    options.exit(1);
  }, options.deadlineMs);
  let failed = false;
  for (const step of options.steps) {
    try {
      await step.run();
    } catch (err) {
      failed = true;
      logger.error({ err, step: step.name }, `error while stopping (${step.name})`);
    }
  }
  clearTimeout(timer);
  logger.info({ clean: !failed }, `${service} stopped`);
  options.exit(failed ? 1 : 0);
}
