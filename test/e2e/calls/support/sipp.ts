import { fileURLToPath } from 'node:url';
import { type SippOptions, type SippProcess, type SippResult, describeSipp, startSipp as startRun } from '@dragonpbx/testkit';

const SCENARIOS = fileURLToPath(new URL('../scenarios/', import.meta.url));

/** One SIPp run; `scenario` names a file in `calls/scenarios/`. */
export type SippRunOptions = Omit<SippOptions, 'scenario' | 'transport' | 'service'> & { readonly scenario: string };

/** Starts SIPp; run timeout 20 s unless given. */
export function startSipp(o: SippRunOptions): SippProcess {
  return startRun({ ...o, timeoutS: o.timeoutS ?? 20, scenario: SCENARIOS + o.scenario });
}

export const runSipp = (o: SippRunOptions): Promise<SippResult> => startSipp(o).done;

export { describeSipp };
