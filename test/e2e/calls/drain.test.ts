// SIGTERM to a call-router with a live call (docs/contract.md, ARCHITECTURE "Running it"):
// /readyz turns 503 at once, new INVITEs get 503 + Retry-After, the call in progress goes on
// to its natural end, and only then does the process exit, with status 0. Ports 29600-29649.
import { until } from '@dragonpbx/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallStack, DOMAIN, sipPort } from './support/call-stack.js';
import { describeSipp, registerPhones, runSipp, startSipp } from './support/sipp.js';

const SIP = sipPort(29600);
const PHONE: Record<string, number> = { '1001': 29610, '1002': 29611, '1003': 29612 };
const MEDIA: Record<string, number> = { '1001': 29620, '1002': 29624, '1003': 29628 };
const target = `127.0.0.1:${SIP}`;
let stack: CallStack;

beforeAll(async () => {
  stack = await CallStack.start({
    ports: { sip: SIP, admin: 29601, ops: 29602 },
    codecs: () => ['PCMU'],
    env: { CALL_DRAIN_TIMEOUT_MS: '20000', SHUTDOWN_TIMEOUT_MS: '30000' },
  });
  await registerPhones(target, DOMAIN, PHONE, (u) => MEDIA[u]!);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

describe('draining call-router', () => {
  it('SIGTERM with a live call: unready at once, new calls 503, the live call completes, then exit 0', async () => {
    stack.hook.json('/call', [{ verb: 'connect', dest: { type: 'client', address: '1002' } }]);
    const router = stack.routerName(0);
    const proc = stack.process(router)!;
    const callee = startSipp({ scenario: 'uas-answer-wait-bye.xml', port: PHONE['1002']!, mediaPort: MEDIA['1002']!, timeoutS: 30 });
    const caller = startSipp({
      scenario: 'uac-call-bye.xml',
      target,
      port: PHONE['1001']!,
      mediaPort: MEDIA['1001']!,
      keys: { domain: DOMAIN, from: '1001', to: '1002' },
      vars: { from: '1001', password: 'pw1001', hold: '4000' },
      timeoutS: 30,
    });
    await until(async () => /^dragon_call_router_active_calls\S* 1$/m.test(await stack.metrics(router)), 10_000, 'the call live');
    await until(() => stack.names(stack.lastCallId()).includes('connect:answered'), 10_000, 'the call answered');

    let exitedAt = 0;
    void proc.exited.then(() => {
      exitedAt = Date.now();
    });
    const termAt = Date.now();
    proc.child.kill('SIGTERM');
    await until(async () => !(await stack.ready(router)), 2000, '/readyz 503');
    expect(Date.now() - termAt).toBeLessThan(2000);
    expect(proc.child.exitCode).toBeNull();

    // A new call meanwhile is refused with 503 and Retry-After, so the edge can try elsewhere.
    // (before any challenge: a draining replica takes no new call at all).
    const refused = await runSipp({
      scenario: 'uac-invite.xml',
      target,
      port: PHONE['1003']!,
      mediaPort: MEDIA['1003']!,
      keys: { domain: DOMAIN, from: '1003', to: '1002' },
      vars: { final: '503', check: 'Retry-After' },
    });
    expect(refused.code, describeSipp(refused)).toBe(0);

    const a = await caller.done;
    const callEndedAt = Date.now();
    expect(a.code, describeSipp(a)).toBe(0);
    expect((await callee.done).code).toBe(0);
    expect(exitedAt === 0 || exitedAt >= callEndedAt - 500, 'the router exited only once the call had ended').toBe(true);
    expect(await proc.exited).toBe(0);
    expect(exitedAt - termAt).toBeGreaterThan(2500);
  }, 60_000);
});
