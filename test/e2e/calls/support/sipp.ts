import { fileURLToPath } from 'node:url';
import { describeSipp, scenarioSipp } from '@dragonpbx/testkit';

/** SIPp runs of the scenarios in `calls/scenarios/`. */
export const { startSipp, runSipp } = scenarioSipp(fileURLToPath(new URL('../scenarios/', import.meta.url)));

export { describeSipp };
