import { describe, expect, it } from 'vitest';
import { bracketAddr } from '../../src/sip/bracket-addr.js';

describe('bracketAddr (Contact/Route in name-addr form)', () => {
  it('wraps a bare addr-spec; header params stay outside the brackets (RFC 3261 §20.10)', () => {
    expect(bracketAddr('sip:alice@10.0.0.1:5060')).toBe('<sip:alice@10.0.0.1:5060>');
    expect(bracketAddr('sip:alice@10.0.0.1;expires=60;q=0.5')).toBe('<sip:alice@10.0.0.1>;expires=60;q=0.5');
  });

  it('keeps name-addr values, display names and the wildcard as they are', () => {
    for (const v of ['<sip:a@b>', '"Alice" <sip:a@b>;tag=1', 'Alice <sip:a@b;lr>', '*', '']) expect(bracketAddr(v)).toBe(v);
  });

  it('handles lists element by element, commas inside quotes or brackets included', () => {
    expect(bracketAddr('sip:a@b;expires=5, <sip:c@d>')).toBe('<sip:a@b>;expires=5, <sip:c@d>');
    expect(bracketAddr('"x, y" <sip:a@b>, sip:c@d')).toBe('"x, y" <sip:a@b>, <sip:c@d>');
  });
});
