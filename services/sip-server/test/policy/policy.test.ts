import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../../src/policy/compile-policy.js';
import { createPolicy, type PolicyEvent } from '../../src/policy/create-policy.js';
import { findSpammerMatch } from '../../src/policy/spammer-check.js';
import { uriUserOf } from '../../src/policy/uri-user.js';

const req = (method: string, headers: Record<string, string>) => ({
  method,
  uri: 'sip:service@127.0.0.1',
  get: (n: string) => headers[n.toLowerCase()],
});

const rules = compilePolicy({
  spammers: {
    action: 'reject',
    tcpAction: 'discard',
    headers: [
      { name: 'User-Agent', values: ['friendly-scanner', 'sipcli', '/^VaxSIP/i'] },
      { name: 'To', values: ['sipvicious'] },
      { name: 'From', values: ['100'] },
      { name: 'X-Scanner', values: ['yes'] },
    ],
  },
  optionsAutoRespond: ['probe/1.0', '/^lb-health-\\d+$/'],
});

describe('uriUserOf', () => {
  it.each([
    ['"Bob" <sip:bob@example.com>;tag=1', 'bob'],
    ['<sips:alice:pw@example.com:5061;transport=tcp>', 'alice'],
    ['sip:carol@example.com;tag=9', 'carol'],
    ['<sip:example.com>', undefined],
    ['garbage', undefined],
    ['<sip:dave@h', 'dave'],
  ])('%s → %s', (v, user) => expect(uriUserOf(v)).toBe(user));
});

describe('spammer rules', () => {
  it('matches User-Agent as a substring of the whole value', () => {
    expect(findSpammerMatch(req('INVITE', { 'user-agent': 'friendly-scanner 2' }), rules.spammers!)).toEqual({
      header: 'user-agent',
      value: 'friendly-scanner',
      candidate: 'friendly-scanner 2',
    });
  });

  it('matches /regex/ values', () => {
    expect(findSpammerMatch(req('REGISTER', { 'user-agent': 'vaxsip 3' }), rules.spammers!)?.value).toBe('/^VaxSIP/i');
  });

  it('matches To/From against the URI user part, not the display name', () => {
    expect(findSpammerMatch(req('INVITE', { to: '<sip:sipvicious@h>' }), rules.spammers!)?.header).toBe('to');
    expect(findSpammerMatch(req('INVITE', { to: '"sipvicious" <sip:bob@h>' }), rules.spammers!)).toBeUndefined();
    expect(findSpammerMatch(req('INVITE', { from: '<sip:1001@h>;tag=1' }), rules.spammers!)?.header).toBe('from');
  });

  it('matches other headers on their full value', () => {
    expect(findSpammerMatch(req('MESSAGE', { 'x-scanner': 'yes please' }), rules.spammers!)?.header).toBe('x-scanner');
  });

  it('never matches ACK and lets clean requests through', () => {
    expect(findSpammerMatch(req('ACK', { 'user-agent': 'sipcli' }), rules.spammers!)).toBeUndefined();
    expect(findSpammerMatch(req('INVITE', { 'user-agent': 'Linphone', to: '<sip:bob@h>' }), rules.spammers!)).toBeUndefined();
  });
});

describe('createPolicy', () => {
  const events: PolicyEvent[] = [];
  const policy = createPolicy(rules, (e) => events.push(e))!;

  it('answers spammers 603 Decline, whatever the method', () => {
    for (const m of ['INVITE', 'REGISTER', 'OPTIONS']) {
      expect(policy(req(m, { 'user-agent': 'sipcli/1' }))).toEqual({ status: 603, reason: 'Decline' });
    }
    expect(events.at(-1)).toMatchObject({ kind: 'spammer', method: 'OPTIONS', header: 'user-agent' });
  });

  it('auto-responds 200 to OPTIONS with an exact or regex User-Agent only', () => {
    expect(policy(req('OPTIONS', { 'user-agent': 'probe/1.0' }))).toEqual({ status: 200, reason: 'OK' });
    expect(policy(req('OPTIONS', { 'user-agent': 'lb-health-42' }))).toEqual({ status: 200, reason: 'OK' });
    expect(policy(req('OPTIONS', { 'user-agent': 'probe/1.0 extra' }))).toBeUndefined();
    expect(policy(req('INVITE', { 'user-agent': 'probe/1.0' }))).toBeUndefined();
    expect(policy(req('OPTIONS', {}))).toBeUndefined();
    expect(events.at(-1)).toEqual({ kind: 'options-auto-respond', userAgent: 'lb-health-42' });
  });

  it('contains a throwing observer', () => {
    const p = createPolicy(rules, () => {
      throw new Error('boom');
    })!;
    expect(p(req('INVITE', { 'user-agent': 'sipcli' }))).toEqual({ status: 603, reason: 'Decline' });
  });

  it('is undefined when nothing is configured', () => {
    expect(createPolicy(compilePolicy({}))).toBeUndefined();
    expect(createPolicy(compilePolicy({ spammers: { headers: [] }, optionsAutoRespond: [] }))).toBeUndefined();
  });
});

describe('compilePolicy errors', () => {
  it.each([
    [{ spammers: { action: 'explode', headers: [] } }, /expected "reject" or "discard"/],
    [{ spammers: { headers: [{ name: 'Bad Header', values: ['x'] }] } }, /not a SIP header name/],
    [{ spammers: { headers: [{ name: 'To', values: ['/(/'] }] } }, /bad regular expression/],
    [{ optionsAutoRespond: ['/[/'] }, /bad regular expression/],
  ])('%j', (src, msg) => {
    expect(() => compilePolicy(src)).toThrow(msg);
    expect(() => compilePolicy(src)).toThrow(expect.objectContaining({ code: 'PBX_ERR_SIP_POLICY_RULE' }));
  });

  it('defaults both actions to discard and freezes the result', () => {
    const p = compilePolicy({ spammers: { headers: [{ name: 'to', values: ['x'] }] } });
    expect(p.spammers).toMatchObject({ action: 'discard', tcpAction: 'discard' });
    expect(Object.isFrozen(p.spammers)).toBe(true);
  });
});
