import { describe, expect, it } from 'vitest';
import { resolveTrunkRegistrarOptions } from '../src/trunk/trunk-registrar-options.js';
import { TrunkRegistration } from '../src/trunk/trunk-registration.js';
import { TrunkRegistrationState } from '../src/trunk/trunk-registration-state.js';
import { silent } from './helpers/harness.js';

// The trunk registration state machine refuses illegal transitions (pure unit test: no SIP sent).
const target = { domain: 'd.test', trunkId: '1', register: { host: '127.0.0.1:9', username: 'u', password: 'p' } };
const make = () =>
  new TrunkRegistration(target, resolveTrunkRegistrarOptions({ instanceId: 'i' }), {
    srf: {} as never,
    store: {} as never,
    logger: silent,
  });

describe('TrunkRegistration state', () => {
  it('starts Idle, cannot start twice, and stays Stopped', async () => {
    const reg = make();
    expect(reg.state).toBe(TrunkRegistrationState.Idle);
    expect(reg.contact).toBe('<sip:u@localhost;x-regid=1>');
    expect(reg.registrarUri).toBe('sip:127.0.0.1:9');
    await reg.stop();
    expect(reg.state).toBe(TrunkRegistrationState.Stopped);
    expect(() => reg.start()).toThrow(/state stopped/);
  });
});
