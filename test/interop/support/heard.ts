import { expect } from 'vitest';
import { type ToneMeasure, describeTone } from './tone-analysis.js';

/** What one side of a call should hear (`hz`) and what its recording holds. */
export interface Heard {
  readonly who: string;
  readonly hz: number;
  readonly measured: ToneMeasure;
}

/** Within 5 Hz of the expected tone and well above silence. */
function heardIt(h: Heard): boolean {
  return Math.abs(h.measured.frequencyHz - h.hz) <= 5 && h.measured.levelDb > -30;
}

/**
 * Every direction of a call heard what it should. All are measured before anything fails, and
 * the failure message names each direction's expected tone and measured frequency and level.
 */
export function expectHeard(...heard: Heard[]): void {
  const report = heard.map((h) => `${heardIt(h) ? 'ok  ' : 'FAIL'} ${h.who}: expected ${h.hz} Hz above -30 dBFS, measured ${describeTone(h.measured)}`);
  expect(heard.every(heardIt), report.join('\n')).toBe(true);
}
