import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { SipStack } from '../../src/sip-stack.js';
import { quietLogger } from './stack-fixture.js';

const code = (c: string) => expect.objectContaining({ code: c });

describe('SipStack options', () => {
  it('are validated once and frozen, with documented defaults', () => {
    const s = new SipStack({});
    expect(s.options.timers).toMatchObject({ t1: 500, t2: 4000, t4: 5000, timeout64: 32000, c: 185000 });
    expect(s.options.contacts.map((c) => `${c.protocol}:${c.host}:${c.port}`)).toEqual(['udp:0.0.0.0:5060', 'tcp:0.0.0.0:5060']);
    expect(s.options.autoTrying).toBe(true);
    expect(Object.isFrozen(s.options)).toBe(true);
    expect(Object.isFrozen(s.options.timers)).toBe(true);
  });

  it('rejects bad values with PBX_ERR_SIP_OPTIONS', () => {
    expect(() => new SipStack({ timers: { t1: 0 } })).toThrowError(code('PBX_ERR_SIP_OPTIONS'));
    expect(() => new SipStack({ timers: { t1: 1000, t2: 500 } })).toThrowError(code('PBX_ERR_SIP_OPTIONS'));
    expect(() => new SipStack({ maxMessageBytes: -1 })).toThrowError(code('PBX_ERR_SIP_OPTIONS'));
    expect(() => new SipStack({ contacts: [{ protocol: 'tls' as 'tcp', host: '127.0.0.1', port: 0 }] })).toThrowError(code('PBX_ERR_SIP_OPTIONS'));
    expect(() => new SipStack({ contacts: [{ protocol: 'udp', host: 'example.com', port: 0 }] })).toThrowError(code('PBX_ERR_SIP_OPTIONS'));
    expect(() => new SipStack({ contacts: [{ protocol: 'udp', host: '127.0.0.1', port: 70000 }] })).toThrowError(code('PBX_ERR_SIP_OPTIONS'));
  });

  it('fails start() cleanly when a port is taken, and cannot start twice', async () => {
    const taken = createSocket('udp4');
    await new Promise<void>((r) => taken.bind(0, '127.0.0.1', () => r()));
    const port = taken.address().port;
    const s = new SipStack({
      contacts: [
        { protocol: 'tcp', host: '127.0.0.1', port: 0 },
        { protocol: 'udp', host: '127.0.0.1', port },
      ],
      logger: quietLogger,
    });
    await expect(s.start()).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(s.localContacts()).toEqual([]);
    taken.close();
    const ok = new SipStack({ contacts: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }], logger: quietLogger });
    await ok.start();
    await expect(ok.start()).rejects.toMatchObject({ code: 'PBX_ERR_SIP_STACK_STATE' });
    expect(ok.localContacts()[0]!.port).toBeGreaterThan(0);
    expect(ok.localContacts()[0]!.advertisedHost).toBe('127.0.0.1');
    await ok.stop();
    await ok.stop();
  });
});
