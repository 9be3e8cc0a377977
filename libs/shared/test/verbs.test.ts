import { describe, expect, it } from 'vitest';
import { PbxError } from '../src/contracts.js';
import { type CallScript, callScriptIssues, VERB_NAMES, validateCallScript } from '../src/model/verbs/call-script.js';

function failure(value: unknown): PbxError {
  try {
    validateCallScript(value);
  } catch (e) {
    if (e instanceof PbxError) return e;
    throw e;
  }
  throw new Error('expected validateCallScript to throw');
}

const ALL_VERBS = 'announce, connect, response, pause, record, pickup';

describe('validateCallScript accepts', () => {
  it('the original repo example script', () => {
    const script = [
      { verb: 'announce', url: 'file:/hello.wav' },
      { verb: 'announce', url: '/please-wait.wav', statusLabel: 'intro' },
      {
        verb: 'connect',
        dest: [
          { type: 'client', address: '1000', timeout: 5 },
          { type: 'client', address: '1001', timeout: 5 },
        ],
      },
      { verb: 'connect', dest: [{ type: 'client', address: '1000', timeout: 30 }] },
      { verb: 'announce', url: 'https://cdn.example.com/vm.wav' },
      { verb: 'response', code: 600 },
    ];
    const typed: CallScript = validateCallScript(script);
    expect(typed).toBe(script);
  });

  it('every parameter of every verb', () => {
    const script = [
      { verb: 'announce', url: 'file:/a.wav', answer: true, statusLabel: false },
      {
        verb: 'connect',
        dest: [
          { type: 'client', address: '1000', timeout: 20, headers: { 'X-Team': 'sales' } },
          { type: 'trunk', address: '+441234', trunk_id: 3, proxy: 'sip:proxy.example.com', timeout: 60 },
          { type: 'trunk', address: '0800', trunk_name: 'carrier' },
          {
            type: 'sip',
            address: 'sips:bob@example.com;transport=tls',
            proxy: 'sip:10.0.0.1:5060',
            username: 'bob',
            password: 'secret',
            codecs: ['PCMU', 'DIRECT'],
            headers: { 'X-Num': 7 },
          },
        ],
        reconnect: true,
        callerId: '+4420',
        callerName: 'Front desk',
        ringtone: '/us.wav',
        statusLabel: 'main',
      },
      { verb: 'response', code: 302, reason: 'Moved', headers: { Contact: '<sip:x@y>' }, statusLabel: 'r' },
      { verb: 'pause', duration: 1.5, statusLabel: 'p' },
      {
        verb: 'record',
        siprecServer: 'sip:srs.example.com',
        legs: 'both',
        codec: ['PCMA'],
        from: 'recorder',
        proxy: 'sip:edge.example.com',
        auth: { username: 'rec', password: 'pw' },
        headers: { 'X-Rec': 'yes' },
        metadata: { callerName: 'A', calleeName: 'B', session: { id: 1 } },
        requireSiprec: false,
      },
      { verb: 'pickup', target: ['1000', '1001'], state: 'ringing' },
      { verb: 'pickup', target: '1002' },
    ];
    expect(callScriptIssues(script)).toEqual([]);
  });

  it('a single destination object and an empty script', () => {
    expect(validateCallScript([{ verb: 'connect', dest: { type: 'client', address: '1' } }])).toHaveLength(1);
    expect(validateCallScript([])).toEqual([]);
  });

  it('exports the verb names', () => {
    expect(VERB_NAMES.join(', ')).toBe(ALL_VERBS);
  });
});

const client = { type: 'client', address: '1000' };
const connect = (dest: unknown) => [{ verb: 'connect', dest }];

describe('validateCallScript rejects with PBX_ERR_SCRIPT_INVALID naming the path', () => {
  it.each<[string, unknown, string]>([
    ['a non-array', { verb: 'pause' }, '/: expected array'],
    ['a non-object step', ['announce'], '/0: expected object'],
    ['an unknown verb', [{ verb: 'pause', duration: 1 }, { verb: 'dance' }], `/1/verb: expected one of ${ALL_VERBS}`],
    ['a missing verb', [{ url: '/a.wav' }], `/0/verb: expected one of ${ALL_VERBS}`],
    ['a bad destination type', [{ verb: 'pause', duration: 1 }, ...connect([client, { type: 'phone', address: '1' }])], '/1/dest/1/type: expected one of client, trunk, sip'],
    // announce
    ['announce without url', [{ verb: 'announce' }], '/0/url: required property missing'],
    ['announce with a bare file name', [{ verb: 'announce', url: 'uk.wav' }], '/0/url: expected file:/name.wav, /name.wav or an http(s) URL'],
    ['announce with a non-boolean answer', [{ verb: 'announce', url: '/a.wav', answer: 'yes' }], '/0/answer: expected boolean'],
    ['announce with an unknown parameter', [{ verb: 'announce', url: '/a.wav', loop: 3 }], '/0/loop: unknown property'],
    ['a statusLabel that is true', [{ verb: 'announce', url: '/a.wav', statusLabel: true }], '/0/statusLabel: expected string or false'],
    ['a statusLabel that is a number', [{ verb: 'pause', duration: 1, statusLabel: 4 }], '/0/statusLabel: expected string or false'],
    // connect
    ['connect without dest', [{ verb: 'connect' }], '/0/dest: required property missing'],
    ['connect with an empty dest list', connect([]), '/0/dest: expected array length to be greater or equal to 1'],
    ['connect with a string dest', connect('1000'), '/0/dest: expected object or array'],
    ['too many destinations', connect(Array.from({ length: 33 }, () => client)), '/0/dest: expected array length to be less or equal to 32'],
    ['a client dest without address', connect([{ type: 'client' }]), '/0/dest/0/address: required property missing'],
    ['a client dest with an empty address', connect([{ type: 'client', address: '' }]), '/0/dest/0/address: expected string length greater or equal to 1'],
    ['a client dest with a proxy', connect([{ ...client, proxy: 'sip:p' }]), '/0/dest/0/proxy: unknown property'],
    ['a zero timeout', connect([{ ...client, timeout: 0 }]), '/0/dest/0/timeout: expected integer to be greater or equal to 1'],
    ['a string timeout', connect([{ ...client, timeout: '30' }]), '/0/dest/0/timeout: expected integer'],
    ['a trunk dest with neither id nor name', connect([client, { type: 'trunk', address: '123' }]), '/0/dest/1: trunk destination needs trunk_id or trunk_name'],
    ['a single trunk dest with neither id nor name', connect({ type: 'trunk', address: '123' }), '/0/dest: trunk destination needs trunk_id or trunk_name'],
    ['a string trunk_id', connect([{ type: 'trunk', address: '1', trunk_id: '3' }]), '/0/dest/0/trunk_id: expected integer'],
    ['a sip dest that is not a SIP URI', connect([{ type: 'sip', address: 'bob@example.com' }]), '/0/dest/0/address: expected a full sip: or sips: URI'],
    ['a proxy that is not a SIP URI', connect([{ type: 'sip', address: 'sip:b@c', proxy: 'http://x' }]), '/0/dest/0/proxy: expected a sip: or sips: URI'],
    ['a bad codec name', connect([{ type: 'sip', address: 'sip:b@c', codecs: ['PCMU', 'G 729'] }]), '/0/dest/0/codecs/1: expected a codec name'],
    ['a header value with CRLF', connect([{ ...client, headers: { 'X-A': 'a\r\nVia: evil' } }]), '/0/dest/0/headers/X-A: expected a header value on one line'],
    ['a header name with a space', connect([{ ...client, headers: { 'Bad Name': 'x' } }]), '/0/dest/0/headers/Bad Name: unknown property'],
    ['a bad ringtone', [{ verb: 'connect', dest: client, ringtone: 'ring.wav' }], '/0/ringtone: expected file:/name.wav, /name.wav or an http(s) URL'],
    ['a non-boolean reconnect', [{ verb: 'connect', dest: client, reconnect: 1 }], '/0/reconnect: expected boolean'],
    // response
    ['a 2xx response', [{ verb: 'response', code: 200 }], '/0/code: expected integer to be greater or equal to 300'],
    ['a 7xx response', [{ verb: 'response', code: 700 }], '/0/code: expected integer to be less or equal to 699'],
    ['a fractional code', [{ verb: 'response', code: 486.5 }], '/0/code: expected integer'],
    ['a missing code', [{ verb: 'response' }], '/0/code: required property missing'],
    ['a reason with a line break', [{ verb: 'response', code: 486, reason: 'Busy\r\nX: y' }], '/0/reason: expected a reason phrase on one line (default: the standard phrase)'],
    // pause
    ['pause without duration', [{ verb: 'pause' }], '/0/duration: required property missing'],
    ['a negative pause', [{ verb: 'pause', duration: -1 }], '/0/duration: expected number to be greater or equal to 0'],
    ['a string pause', [{ verb: 'pause', duration: '5' }], '/0/duration: expected number'],
    // record
    ['record without server', [{ verb: 'record' }], '/0/siprecServer: required property missing'],
    ['record with an http server', [{ verb: 'record', siprecServer: 'http://srs' }], '/0/siprecServer: expected a sip: or sips: URI'],
    ['record with bad legs', [{ verb: 'record', siprecServer: 'sip:s', legs: 'c' }], '/0/legs: expected one of a, b, both'],
    ['record auth without password', [{ verb: 'record', siprecServer: 'sip:s', auth: { username: 'u' } }], '/0/auth/password: required property missing'],
    ['record with an empty codec list', [{ verb: 'record', siprecServer: 'sip:s', codec: [] }], '/0/codec: expected array length to be greater or equal to 1'],
    ['record metadata with an unknown key', [{ verb: 'record', siprecServer: 'sip:s', metadata: { who: 1 } }], '/0/metadata/who: unknown property'],
    // pickup
    ['pickup without target', [{ verb: 'pickup' }], '/0/target: required property missing'],
    ['pickup with an empty target list', [{ verb: 'pickup', target: [] }], '/0/target: expected array length to be greater or equal to 1'],
    ['pickup with a numeric target', [{ verb: 'pickup', target: 1000 }], '/0/target: expected string or array'],
    ['pickup with a bad state', [{ verb: 'pickup', target: '1', state: 'idle' }], '/0/state: expected one of any, ringing, connected'],
  ])('%s', (_name, value, message) => {
    const e = failure(value);
    expect(e.code).toBe('PBX_ERR_SCRIPT_INVALID');
    expect(e.message).toBe(`invalid CallScript: ${message}`);
  });

  it('lists every offending path in one message', () => {
    const e = failure([{ verb: 'pause' }, { verb: 'response', code: 1 }, { verb: 'nope' }]);
    expect(e.message).toBe(
      `invalid CallScript: /0/duration: required property missing; /1/code: expected integer to be greater or equal to 300; /2/verb: expected one of ${ALL_VERBS}`,
    );
  });

  it('caps a long list of issues', () => {
    const e = failure(Array.from({ length: 12 }, () => ({ verb: 'pause' })));
    expect(e.message).toContain('/9/duration');
    expect(e.message).not.toContain('/10/duration');
    expect(e.message).toMatch(/\(2 more\)$/);
  });
});
