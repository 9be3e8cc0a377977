export { type SippOptions, type SippProcess, type SippResult, describeSipp, runSipp, startSipp } from './sipp.js';
