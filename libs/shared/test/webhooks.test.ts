import { describe, expect, it } from 'vitest';
import { PbxError } from '../src/contracts.js';
import { isRegHookAccepted, parseRegHookResponse } from '../src/model/webhooks/reg-hook-response.js';
import { toTrunkSource } from '../src/model/webhooks/to-trunk-source.js';
import { STATUS_EVENT_NAMES, type StatusEventName } from '../src/model/webhooks/status-event-names.js';
import { StatusHookEventSchema } from '../src/model/webhooks/status-hook-event.js';
import {
  callHookRequestValidator,
  regHookRequestValidator,
  statusHookEventValidator,
} from '../src/model/webhooks/webhook-validators.js';

/** Applies a patch; an `undefined` value removes the key, as JSON would. */
function patched(body: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body, ...patch };
  for (const [k, v] of Object.entries(patch)) if (v === undefined) delete out[k];
  return out;
}

function failure(fn: () => unknown): PbxError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PbxError) return e;
    throw e;
  }
  throw new Error('expected a throw');
}

describe('RegHook response', () => {
  it('accepts the documented answer and extra keys', () => {
    const body = {
      status: 'OK',
      expires: 300,
      dialplan: { '1???': 'https://example.com/internal', '0*': { callHook: 'file:/ivr.json', statusHook: 'http://h/s' } },
      codecs: ['G722', 'PCMA', 'DIRECT'],
      maxClients: 3,
      blacklist: false,
      note: 'ignored',
    };
    const res = parseRegHookResponse(body);
    expect(isRegHookAccepted(res)).toBe(true);
  });

  it.each([
    ['ok', true],
    ['Ok', true],
    [' OK ', true],
    ['fail', false],
    ['okay', false],
    ['', false],
  ])('status %j accepted=%s', (status, accepted) => {
    expect(isRegHookAccepted(parseRegHookResponse({ status }))).toBe(accepted);
  });

  it.each<[string, unknown, string]>([
    ['a non-object', 'ok', '/: expected object'],
    ['a missing status', { expires: 60 }, '/status: required property missing'],
    ['a numeric status', { status: 1 }, '/status: expected string'],
    ['a string expires', { status: 'ok', expires: '300' }, '/expires: expected integer'],
    ['a negative expires', { status: 'ok', expires: -1 }, '/expires: expected integer to be greater or equal to 0'],
    ['a dialplan list', { status: 'ok', dialplan: ['x'] }, '/dialplan: expected object'],
    ['a relative hook URL', { status: 'ok', dialplan: { '1*': 'hooks/call' } }, '/dialplan/1*: expected Absolute URL of a hook'],
    ['a hook object without callHook', { status: 'ok', dialplan: { '1*': { statusHook: 'http://h/' } } }, '/dialplan/1*/callHook: required property missing'],
    ['a codec that is not a name', { status: 'ok', codecs: ['PCMU', 0] }, '/codecs/1: expected string'],
    ['codecs as a string', { status: 'ok', codecs: 'PCMU' }, '/codecs: expected array'],
    ['zero maxClients', { status: 'ok', maxClients: 0 }, '/maxClients: expected integer to be greater or equal to 1'],
    ['a string blacklist', { status: 'fail', blacklist: 'yes' }, '/blacklist: expected boolean'],
  ])('rejects %s with PBX_ERR_HOOK_RESPONSE_INVALID', (_name, body, message) => {
    const e = failure(() => parseRegHookResponse(body));
    expect(e.code).toBe('PBX_ERR_HOOK_RESPONSE_INVALID');
    expect(e.message).toBe(`RegHook response: ${message}`);
  });
});

describe('RegHook request', () => {
  const body = {
    username: '1000',
    realm: 'pbx.example.com',
    nonce: 'abc',
    uri: 'sip:pbx.example.com',
    response: '0123456789abcdef0123456789abcdef',
    method: 'REGISTER',
    source_address: '192.0.2.10',
    source_port: 5060,
    expires: 3600,
    scheme: 'digest',
    algorithm: 'MD5',
    qop: 'auth',
    nc: '00000001',
    cnonce: 'xyz',
  };

  it('accepts a REGISTER and an INVITE body', () => {
    expect(regHookRequestValidator.check(body)).toBe(true);
    expect(regHookRequestValidator.check({ ...body, method: 'INVITE', expires: null })).toBe(true);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a bad method', { method: 'OPTIONS' }, '/method: expected one of REGISTER, INVITE'],
    ['a port out of range', { source_port: 70000 }, '/source_port: expected integer to be less or equal to 65535'],
    ['a missing expires', { expires: undefined }, '/expires: required property missing'],
    ['a string expires', { expires: '60' }, '/expires: expected integer or null'],
    ['a non-digest scheme', { scheme: 'basic' }, '/scheme: expected digest'],
  ])('rejects %s', (_name, patch, message) => {
    const e = failure(() => regHookRequestValidator.parse(patched(body, patch)));
    expect(e.code).toBe('PBX_ERR_VALIDATION');
    expect(e.message).toBe(`RegHook request: ${message}`);
  });
});

describe('CallHook request', () => {
  const body = {
    domain: 'pbx.example.com',
    from: '1000',
    to: '1001',
    callId: 'abc123',
    sourceAddress: '192.168.1.100',
    headers: { 'call-id': 'abc123', from: '<sip:1000@pbx.example.com>;tag=1' },
    source: 'client',
    refer: false,
    count: 0,
  };
  const trunk = { id: 7, name: 'carrier', inbound: ['203.0.113.0/24'], outbound: { host: 'sip.carrier.net' } };

  it('accepts client, trunk, transfer and update-leg bodies', () => {
    expect(callHookRequestValidator.errors(body)).toEqual([]);
    expect(callHookRequestValidator.check({ ...body, source: trunk, count: 3 })).toBe(true);
    expect(callHookRequestValidator.check({ ...body, refer: true, count: 1 })).toBe(true);
    expect(callHookRequestValidator.check({ ...body, trigger: 'updateLeg', leg: 'B' })).toBe(true);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a trunk source with an outbound password', { source: { ...trunk, outbound: { host: 'h', password: 'x' } } }, '/source/outbound/password: unknown property'],
    ['a trunk source with authPass', { source: { ...trunk, authPass: 'x' } }, '/source/authPass: unknown property'],
    ['a trunk source with register credentials', { source: { ...trunk, register: { host: 'r', username: 'u', password: 'p' } } }, '/source/register/username: unknown property'],
    ['a source that is neither', { source: 'trunk' }, '/source: expected client or object'],
    ['a count above 3', { count: 4 }, '/count: expected integer to be less or equal to 3'],
    ['a missing refer', { refer: undefined }, '/refer: required property missing'],
    ['a bad trigger', { trigger: 'rest' }, '/trigger: expected updateLeg'],
    ['a bad leg', { leg: 'C' }, '/leg: expected one of A, B'],
    ['a non-string header', { headers: { 'max-forwards': 70 } }, '/headers/max-forwards: expected string'],
  ])('rejects %s', (_name, patch, message) => {
    const e = failure(() => callHookRequestValidator.parse(patched(body, patch)));
    expect(e.code).toBe('PBX_ERR_VALIDATION');
    expect(e.message.split('; ')[0]).toBe(`CallHook request: ${message}`);
  });
});

describe('toTrunkSource', () => {
  const trunk = {
    id: 9,
    name: 'carrier',
    label: 'Carrier Ltd',
    inbound: ['203.0.113.0/24'],
    outbound: { host: 'sip.carrier.net', username: 'acct', password: 'out-secret' },
    dialplan: { '*': 'https://hooks.example.com/in' },
    codecs: ['PCMA'],
    authType: 'registration',
    authUser: 'in-user',
    authPass: 'in-secret',
    register: { host: 'reg.carrier.net', username: 'reg-user', password: 'reg-secret', expires: 600 },
    options_ping: true,
  };

  it('keeps the trunk without any credential and passes the CallHook schema', () => {
    const source = toTrunkSource(trunk);
    expect(source).toEqual({
      id: 9,
      name: 'carrier',
      label: 'Carrier Ltd',
      inbound: ['203.0.113.0/24'],
      outbound: { host: 'sip.carrier.net' },
      dialplan: { '*': 'https://hooks.example.com/in' },
      codecs: ['PCMA'],
      authType: 'registration',
      register: { host: 'reg.carrier.net', expires: 600 },
      options_ping: true,
    });
    const text = JSON.stringify(source);
    for (const secret of ['out-secret', 'in-secret', 'reg-secret', 'acct', 'in-user', 'reg-user']) {
      expect(text).not.toContain(secret);
    }
    const body = {
      domain: 'd', from: '1', to: '2', callId: 'c', sourceAddress: '203.0.113.5', headers: {}, source, refer: false, count: 0,
    };
    expect(callHookRequestValidator.errors(body)).toEqual([]);
  });

  it('copies rather than shares mutable parts', () => {
    const minimal = { id: 1, inbound: ['192.0.2.1/32'], options_ping: false };
    const source = toTrunkSource(minimal);
    expect(source).toEqual(minimal);
    source.inbound?.push('x');
    expect(minimal.inbound).toEqual(['192.0.2.1/32']);
  });
});

describe('StatusHook event', () => {
  const base = { callId: 'c1', seq: 1, timestamp: '2026-01-02T03:04:05.678Z', domain: 'pbx.example.com' };
  const dest = { type: 'client', address: '1001' };
  const error = { status: 486, reason: 'Busy Here' };

  it('names every event once, without stray spaces', () => {
    expect(new Set(STATUS_EVENT_NAMES).size).toBe(STATUS_EVENT_NAMES.length);
    for (const n of STATUS_EVENT_NAMES) expect(n).toMatch(/^[a-zA-Z]+:[a-z]+$/);
    expect(STATUS_EVENT_NAMES).toContain('connect:trying');
    expect(STATUS_EVENT_NAMES).toContain('script:invalid');
  });

  it('has exactly one body schema per event name', () => {
    const covered: string[] = [];
    for (const member of StatusHookEventSchema.anyOf) {
      const event = member.properties.event as { const?: string; anyOf?: { const: string }[] };
      for (const lit of event.anyOf ?? [event]) covered.push(String(lit.const));
    }
    expect([...covered].sort()).toEqual([...STATUS_EVENT_NAMES].sort());
  });

  const samples: Record<StatusEventName, Record<string, unknown>> = {
    'playback:start': {},
    'playback:complete': { duration: 2300 },
    'playback:failed': { error },
    'connect:start': {},
    'connect:trying': { dest, index: 0 },
    'connect:answered': { dest, index: 1 },
    'connect:timeout': { dest, index: 0 },
    'connect:cancel': { index: 2 },
    'connect:error': { dest, index: 0, error },
    'connect:hangup': { endedby: 'A' },
    'connect:reinvite': { req: 'INVITE sip:a@b SIP/2.0\r\n\r\n' },
    'connect:refer': { req: 'REFER sip:a@b SIP/2.0\r\n\r\n' },
    'connect:skipped': {},
    'connect:complete': {},
    'pause:start': { duration: 5 },
    'pause:complete': { duration: 5 },
    'response:start': {},
    'response:complete': {},
    'response:notsent': {},
    'record:armed': { sessionId: 's1' },
    'record:starting': { sessionId: 's1' },
    'record:active': { sessionId: 's1' },
    'record:failed': { error: { status: 503, reason: 'Service Unavailable' } },
    'record:ended': { sessionId: 's1', endedBy: 'srs' },
    'record:stopped': { sessionId: 's1' },
    'pickup:start': {},
    'pickup:waiting': {},
    'pickup:notfound': { target: ['1000', '1001'], state: 'any' },
    'pickup:answered': { target: '1000', state: 'ringing' },
    'pickup:hangup': { endedby: 'picker' },
    'pickup:error': { error },
    'updateLeg:accepted': {},
    'updateLeg:failed': { leg: 'B', error },
    'script:invalid': {
      error: { status: 500, reason: 'invalid CallScript' },
      issues: [{ path: '/0/verb', message: 'expected one of announce, connect' }],
    },
  };

  it.each(STATUS_EVENT_NAMES)('accepts a %s body', (event) => {
    const body = { ...base, event, label: 'main', ...samples[event] };
    expect(statusHookEventValidator.errors(body)).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown event', { event: 'connect:ringing' }, '/event: expected one of'],
    ['a trailing space in the name', { event: 'connect:trying ' }, '/event: expected one of'],
    ['a zero seq', { event: 'connect:start', seq: 0 }, '/seq: expected integer to be greater or equal to 1'],
    ['a non ISO timestamp', { event: 'connect:start', timestamp: 'Fri, 02 Jan 2026 03:04:05 GMT' }, '/timestamp: expected an ISO 8601 date-time'],
    ['a missing domain', { event: 'connect:start', domain: undefined }, '/domain: required property missing'],
    ['connect:trying without index', { event: 'connect:trying', dest }, '/index: required property missing'],
    ['connect:trying with a bad dest', { event: 'connect:trying', dest: { type: 'x' }, index: 0 }, '/dest/type: expected one of client, trunk, sip'],
    ['connect:error with a string error', { event: 'connect:error', dest, index: 0, error: 'busy' }, '/error: expected object'],
    ['connect:error with a bad status', { event: 'connect:error', dest, index: 0, error: { status: 99, reason: 'x' } }, '/error/status: expected integer to be greater or equal to 100'],
    ['connect:hangup with a bad endedby', { event: 'connect:hangup', endedby: 'C' }, '/endedby: expected one of A, B'],
    ['pickup:hangup with a bad endedby', { event: 'pickup:hangup', endedby: 'A' }, '/endedby: expected one of picker, remote'],
    ['a label that is not a string', { event: 'connect:start', label: false }, '/label: expected string'],
  ])('rejects %s', (_name, patch, message) => {
    const e = failure(() => statusHookEventValidator.parse(patched(base, patch)));
    expect(e.code).toBe('PBX_ERR_VALIDATION');
    expect(e.message.startsWith(`StatusHook event: ${message}`)).toBe(true);
  });
});
