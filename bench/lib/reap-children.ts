import type { ChildProcess } from 'node:child_process';

const children = new Set<ChildProcess>();
let installed = false;

function killAll(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

/**
 * Registers a child process (SIPp, a server under test, a helper) to be killed
 * when the benchmark ends in any way: normal exit, an uncaught error, or
 * Ctrl-C / SIGTERM (e.g. `timeout`). Without this a killed benchmark leaves
 * SIPp or a server holding the bench ports and skews the next run.
 */
export function reap<C extends ChildProcess>(child: C): C {
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (!installed) {
    installed = true;
    process.on('exit', killAll);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(signal, () => {
        killAll();
        process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const)[signal]);
      });
    }
  }
  return child;
}
