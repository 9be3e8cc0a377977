import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type SippOptions as RunOptions, type SippProcess, type SippResult, describeSipp, startSipp as startRun } from '@dragonpbx/testkit';

/** Directory of the SIPp scenarios of this package. */
export const SCENARIOS = fileURLToPath(new URL('../scenarios/', import.meta.url));

/** One SIPp run: `scenario` is a file name inside `test/scenarios/`, or an absolute path. */
export type SippOptions = RunOptions & { readonly mediaPort: number };
export type { SippResult };
/** A running SIPp (typically a UAS started before the application places its call). */
export type SippRun = SippProcess;

/** Starts SIPp over UDP to the `service` user unless told otherwise, with room for 100 sockets. */
export function startSipp(o: SippOptions): SippRun {
  return startRun({
    ...o,
    scenario: resolve(SCENARIOS, o.scenario),
    transport: o.transport ?? 'u1',
    service: o.service ?? 'service',
    extra: ['-max_socket', '100', ...(o.extra ?? [])],
  });
}

/** Runs SIPp to completion. */
export function runSipp(o: SippOptions): Promise<SippResult> {
  return startSipp(o).done;
}

/** Short text for assertion messages. */
export const describeRun = describeSipp;
