import { fileURLToPath } from 'node:url';
import { describeSipp, scenarioSipp } from '@dragonpbx/testkit';

/** SIPp runs of the scenarios in `test/scenarios/` (call-router's ports: the README's "Ports"). */
export const { startSipp, runSipp } = scenarioSipp(fileURLToPath(new URL('../scenarios/', import.meta.url)));

export { describeSipp };
