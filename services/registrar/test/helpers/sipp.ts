import { fileURLToPath } from 'node:url';
import { type SippOptions, type SippProcess, type SippResult, describeSipp, startSipp as startRun } from '@dragonpbx/testkit';

const SCENARIOS = fileURLToPath(new URL('../scenarios/', import.meta.url));

/** One SIPp run against a SIP target; `scenario` names a file in `test/scenarios/`. */
export type SippRunOptions = Omit<SippOptions, 'scenario' | 'mediaPort' | 'transport' | 'service' | 'localIp'> & {
  readonly scenario: string;
};

export type SippOutcome = SippResult;
export type { SippProcess };

/** Starts SIPp (registrar's port range 27000–27999); run timeout 20 s unless given. */
export function startSipp(o: SippRunOptions): SippProcess {
  return startRun({ ...o, timeoutS: o.timeoutS ?? 20, scenario: SCENARIOS + o.scenario });
}

export const runSipp = (o: SippRunOptions) => startSipp(o).done;

export { describeSipp };
