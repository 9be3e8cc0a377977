import { describe, expect, it } from 'vitest';
import { compileDialplan } from '../src/dialplan/compile-dialplan.js';
import { globMatch } from '../src/dialplan/glob-match.js';
import { GlobPattern, MAX_PATTERN_EXPANSIONS } from '../src/dialplan/glob-pattern.js';
import { PbxError } from '../src/errors/pbx-error.js';

function errorOf(fn: () => unknown): PbxError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PbxError) return e;
    throw e;
  }
  throw new Error('expected a PbxError');
}

describe('globMatch', () => {
  const cases: [string, string, boolean][] = [
    ['1???', '1000', true],
    ['1???', '100', false],
    ['1???', '10000', false],
    ['1???', '2000', false],
    ['1???', '1abc', true],
    ['*', '', true],
    ['*', 'anything@all', true],
    ['0*', '0', true],
    ['0*', '0123456', true],
    ['0*', '10', false],
    ['*1', '991', true],
    ['*1', '912', false],
    ['a*b*c', 'axxbyyc', true],
    ['a*b*c', 'axxbyy', false],
    ['a**b', 'ab', true],
    ['?*', '', false],
    ['?*', 'x', true],
    ['{999,112}', '999', true],
    ['{999,112}', '112', true],
    ['{999,112}', '911', false],
    ['{999,112}', '{999,112}', false],
    ['9{0,1}?', '905', true],
    ['9{0,1}?', '925', false],
    ['{1,2}{3,4}', '24', true],
    ['{1*,2?}', '1', true],
    ['{1*,2?}', '2', false],
    ['#1', '#1', true],
    ['#1', '21', false],
    ['\\*8', '*8', true],
    ['\\*8', '98', false],
    ['a,b', 'a,b', true],
    ['ü?', 'üx', true],
    ['😀?', '😀x', true],
  ];
  it.each(cases)('%s vs %s → %s', (pattern, text, expected) => {
    expect(globMatch(pattern, text)).toBe(expected);
  });

  it('stays fast on adversarial patterns (no catastrophic backtracking)', () => {
    const pattern = '*a*a*a*a*a*a*a*a*a*a*a*a*b';
    const text = 'a'.repeat(200);
    const t0 = performance.now();
    expect(globMatch(pattern, text)).toBe(false);
    // A backtracking regex takes seconds here; the wildcard walk takes well under a second.
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  const bad: [unknown, RegExp][] = [
    ['{1,2', /unbalanced "\{" at 0/],
    ['12}', /unbalanced "\}" at 2/],
    ['{}', /empty alternative/],
    ['{1,}', /empty alternative/],
    ['{,1}', /empty alternative/],
    ['{1,{2,3}}', /nested "\{" at 3/],
    ['', /empty pattern/],
    ['12\\', /trailing backslash/],
    ['x'.repeat(300), /longer than 256/],
    ['{0,1,2,3}{0,1,2,3}{0,1,2,3}{0,1,2,3}{0,1}', new RegExp(`more than ${MAX_PATTERN_EXPANSIONS}`)],
    [42, /not a string/],
  ];
  it.each(bad)('rejects %s', (pattern, why) => {
    const e = errorOf(() => new GlobPattern(pattern as string));
    expect(e.code).toBe('PBX_ERR_PATTERN_INVALID');
    expect(e.message).toMatch(why);
    expect(e.statusCode).toBe(400);
  });

  it('globMatch throws the same error for malformed patterns', () => {
    expect(errorOf(() => globMatch('{1', '1')).code).toBe('PBX_ERR_PATTERN_INVALID');
  });
});

describe('compileDialplan', () => {
  it('prefers an exact key over any pattern', () => {
    const dp = compileDialplan({ '*': 'https://h/any', '1???': 'https://h/ext', '1000': 'https://h/exact' });
    expect(dp.match('1000')).toMatchObject({ key: '1000', exact: true, callHook: 'https://h/exact' });
    expect(dp.match('1001')).toMatchObject({ key: '1???', exact: false, callHook: 'https://h/ext' });
  });

  it('treats *8 and #1 as literal dial codes when dialled exactly', () => {
    const dp = compileDialplan({ '1???': 'https://h/ext', '*8': 'https://h/pickup', '#1': 'https://h/hash' });
    expect(dp.match('*8')?.key).toBe('*8');
    expect(dp.match('#1')?.key).toBe('#1');
    expect(dp.match('#2')).toBeUndefined();
  });

  it('picks the pattern with the most literal characters, then fewest stars', () => {
    const plan = {
      '*': 'https://h/all',
      '0*': 'https://h/national',
      '00*': 'https://h/international',
      '0???????*': 'https://h/long',
      '44*': 'https://h/a',
      '4*4*': 'https://h/b',
    };
    const dp = compileDialplan(plan);
    expect(dp.match('0012345')?.key).toBe('00*');
    expect(dp.match('012')?.key).toBe('0*');
    // '0???????*' has one literal, like '0*'; same stars → first in object order.
    expect(dp.match('0123456789')?.key).toBe('0*');
    expect(dp.match('999')?.key).toBe('*');
    // '44*' and '4*4*' both have two literals; '44*' has fewer stars.
    expect(dp.match('4455')?.key).toBe('44*');
    // Swapping the order does not change the winner: stars decide, not order.
    const swapped = compileDialplan({ '4*4*': 'x', '44*': 'y' });
    expect(swapped.match('4455')?.key).toBe('44*');
  });

  it('breaks full ties by object order (first wins)', () => {
    expect(compileDialplan({ '1?': 'a', '?1': 'b' }).match('11')?.key).toBe('1?');
    expect(compileDialplan({ '?1': 'b', '1?': 'a' }).match('11')?.key).toBe('?1');
  });

  it('scores a brace pattern by the alternative that matched', () => {
    const dp = compileDialplan({ '{999,112}': 'https://h/emergency', '11?': 'https://h/short', '9*': 'https://h/nine' });
    expect(dp.match('112')?.key).toBe('{999,112}');
    expect(dp.match('113')?.key).toBe('11?');
    expect(dp.match('999')?.key).toBe('{999,112}');
    expect(dp.match('998')?.key).toBe('9*');
  });

  it('normalises object targets and returns the value as written', () => {
    const value = { callHook: 'https://h/c', statusHook: 'https://h/s' };
    const dp = compileDialplan({ '2*': value, '3*': { callHook: 'file://x.json', statusHook: null } });
    const m = dp.match('2000')!;
    expect(m).toEqual({ key: '2*', value, exact: false, callHook: 'https://h/c', statusHook: 'https://h/s' });
    expect(Object.isFrozen(m)).toBe(true);
    expect(dp.match('3')).toMatchObject({ callHook: 'file://x.json' });
    expect(dp.match('3')?.statusHook).toBeUndefined();
    expect(dp.size).toBe(2);
  });

  it('returns undefined for no match, an empty plan and non-string input', () => {
    expect(compileDialplan({ '1?': 'a' }).match('2')).toBeUndefined();
    expect(compileDialplan({}).match('1')).toBeUndefined();
    expect(compileDialplan({ '*': 'a' }).match(5 as unknown as string)).toBeUndefined();
  });

  const badPlans: [string, unknown, string, RegExp][] = [
    ['null', null, 'PBX_ERR_DIALPLAN_INVALID', /expected an object, got null/],
    ['array', ['a'], 'PBX_ERR_DIALPLAN_INVALID', /got array/],
    ['string', '1???', 'PBX_ERR_DIALPLAN_INVALID', /got string/],
    ['numeric value', { '1?': 5 }, 'PBX_ERR_DIALPLAN_VALUE_INVALID', /"1\?".*got number/],
    ['null value', { '1?': null }, 'PBX_ERR_DIALPLAN_VALUE_INVALID', /got null/],
    ['array value', { '1?': ['x'] }, 'PBX_ERR_DIALPLAN_VALUE_INVALID', /got array/],
    ['empty URL', { '1?': ' ' }, 'PBX_ERR_DIALPLAN_VALUE_INVALID', /empty URL/],
    ['no callHook', { '1?': { statusHook: 'x' } }, 'PBX_ERR_DIALPLAN_VALUE_INVALID', /callHook must be/],
    ['bad statusHook', { '1?': { callHook: 'x', statusHook: 3 } }, 'PBX_ERR_DIALPLAN_VALUE_INVALID', /statusHook must be/],
    ['unbalanced brace key', { '{1,2': 'x' }, 'PBX_ERR_PATTERN_INVALID', /"\{1,2".*unbalanced/],
    ['empty alternative key', { '{1,}': 'x' }, 'PBX_ERR_PATTERN_INVALID', /empty alternative/],
    ['empty key', { '': 'x' }, 'PBX_ERR_PATTERN_INVALID', /empty pattern/],
  ];
  it.each(badPlans)('rejects %s', (_name, plan, code, why) => {
    const e = errorOf(() => compileDialplan(plan));
    expect(e.code).toBe(code);
    expect(e.message).toMatch(why);
  });
});
