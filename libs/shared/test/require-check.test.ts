import { describe, expect, it } from 'vitest';
import { SipError } from '../src/contracts.js';
import { badExtension, checkRequire, unsupportedOptionTags } from '../src/sip.js';

describe('Require check (RFC 3261 §8.2.2.3)', () => {
  it('lists the required option-tags that are not supported, in order, once each', () => {
    // RFC 4475 §3.3.5 (bext01).
    expect(unsupportedOptionTags('OPTIONS', 'nothingSupportsThis, nothingSupportsThisEither', [])).toEqual([
      'nothingSupportsThis',
      'nothingSupportsThisEither',
    ]);
    expect(unsupportedOptionTags('INVITE', ['100rel, foo', 'Foo', 'timer'], ['100rel', 'timer'])).toEqual(['foo']);
  });

  it('passes requests with no Require, only supported tags, or an empty value', () => {
    expect(unsupportedOptionTags('REGISTER', undefined, [])).toEqual([]);
    expect(unsupportedOptionTags('INVITE', '100REL', ['100rel'])).toEqual([]);
    expect(unsupportedOptionTags('INVITE', ' , ', [])).toEqual([]);
  });

  it('ignores Require in ACK and CANCEL', () => {
    expect(unsupportedOptionTags('ACK', 'foo', [])).toEqual([]);
    expect(unsupportedOptionTags('cancel', 'foo', [])).toEqual([]);
  });

  it('builds 420 Bad Extension with Unsupported, and checkRequire throws it', () => {
    const e = badExtension(['a', 'b']);
    expect(e).toBeInstanceOf(SipError);
    expect(e).toMatchObject({ status: 420, reason: 'Bad Extension', headers: { Unsupported: 'a, b' } });
    expect(() => checkRequire('INVITE', 'x', [])).toThrow(expect.objectContaining({ status: 420 }));
    expect(() => checkRequire('INVITE', 'x', ['x'])).not.toThrow();
  });
});
