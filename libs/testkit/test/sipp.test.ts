import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeSipp, runSipp, startSipp } from '../src/index.js';

// Ports 28900–28909 (testkit's own block).
const scenario = (name: string) => fileURLToPath(new URL(`./scenarios/${name}`, import.meta.url));

describe('SIPp runner', () => {
  it('fills {{vars}} into the scenario and reports success with exit code 0', async () => {
    const uas = startSipp({ scenario: scenario('options-uas.xml'), port: 28900, timeoutS: 10 });
    const uac = await runSipp({
      scenario: scenario('options-uac.xml'),
      target: '127.0.0.1:28900',
      port: 28901,
      vars: { status: '200' },
      timeoutS: 10,
    });
    expect(uac.code, describeSipp(uac)).toBe(0);
    expect((await uas.done).code).toBe(0);
  });

  it('reports a failed call with a non-zero code and the error trace', async () => {
    const uas = startSipp({ scenario: scenario('options-uas.xml'), port: 28902, timeoutS: 10 });
    // Expects a 404 the UAS never sends: the 200 is unexpected and the call fails.
    const uac = await runSipp({
      scenario: scenario('options-uac.xml'),
      target: '127.0.0.1:28902',
      port: 28903,
      vars: { status: '404' },
      timeoutS: 5,
    });
    uas.kill();
    await uas.done;
    expect(uac.code).not.toBe(0);
    expect(uac.errors).toContain('200');
  });

  it('reports a scenario that does not exist as a failed run naming the file', async () => {
    const r = await runSipp({ scenario: scenario('missing.xml'), target: '127.0.0.1:28904', port: 28905, timeoutS: 5 });
    expect(r.code).not.toBe(0);
    expect(`${r.stderr}${r.errors}`).toContain('missing.xml');
  });
});
