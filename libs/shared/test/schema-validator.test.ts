import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { PbxError, createError } from '../src/contracts.js';
import { compileValidator } from '../src/schema/validator.js';

const Dest = Type.Union([
  Type.Object({ type: Type.Literal('client'), user: Type.String() }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('trunk'), trunk: Type.String() }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('sip'), uri: Type.String() }, { additionalProperties: false }),
]);
const Step = Type.Union([
  Type.Object({ verb: Type.Literal('pause'), length: Type.Integer({ minimum: 1 }) }),
  Type.Object({ verb: Type.Literal('connect'), dest: Type.Union([Dest, Type.Array(Dest)]) }),
]);
const Script = Type.Array(Step);

function thrown(fn: () => unknown): PbxError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PbxError) return e;
    throw e;
  }
  throw new Error('expected a throw');
}

describe('compileValidator', () => {
  const v = compileValidator(Script);

  it('accepts and returns a valid value', () => {
    const ok = [{ verb: 'pause', length: 2 }, { verb: 'connect', dest: [{ type: 'client', user: 'a' }] }];
    expect(v.check(ok)).toBe(true);
    expect(v.parse(ok)).toBe(ok);
    expect(v.errors(ok)).toEqual([]);
  });

  it('names the discriminator path of a bad union member inside an array', () => {
    const bad = [
      { verb: 'pause', length: 1 },
      { verb: 'pause', length: 1 },
      { verb: 'connect', dest: [{ type: 'phone', user: 'x' }] },
    ];
    const e = thrown(() => v.parse(bad));
    expect(e.code).toBe('PBX_ERR_VALIDATION');
    expect(e.statusCode).toBe(400);
    expect(e.message).toContain('/2/dest/0/type: expected one of client, trunk, sip');
  });

  it('resolves a single-object-or-array union by the value type', () => {
    expect(v.errors([{ verb: 'connect', dest: { type: 'trunk' } }])).toEqual([
      { path: '/0/dest/trunk', message: 'required property missing' },
    ]);
  });

  it('reports unknown discriminator values and missing discriminators', () => {
    expect(v.errors([{ verb: 'dance' }])).toEqual([
      { path: '/0/verb', message: 'expected one of pause, connect' },
    ]);
    expect(v.errors([{}])[0]?.path).toBe('/0/verb');
  });

  it('reports the leaf constraint of the matched member', () => {
    expect(v.errors([{ verb: 'pause', length: 0 }])[0]).toMatchObject({ path: '/0/length' });
    expect(v.errors([{ verb: 'pause', length: 0 }])[0]?.message).toMatch(/greater or equal to 1/);
  });

  it('reports unknown properties and the root', () => {
    expect(v.errors([{ verb: 'connect', dest: { type: 'sip', uri: 'x', bogus: 1 } }])).toEqual([
      { path: '/0/dest/bogus', message: 'unknown property' },
    ]);
    expect(thrown(() => v.parse('nope')).message).toBe('/: expected array');
  });

  it('describes mixed scalar unions', () => {
    const label = compileValidator(Type.Object({ label: Type.Union([Type.String(), Type.Literal(false)]) }));
    expect(label.check({ label: false })).toBe(true);
    expect(label.errors({ label: 3 })).toEqual([{ path: '/label', message: 'expected string or false' }]);
    expect(label.errors({ label: true })).toEqual([{ path: '/label', message: 'expected string or false' }]);
  });

  it('descends into the one non-literal member of the value type', () => {
    const h = compileValidator(
      Type.Union([Type.String({ pattern: '^a+$', description: 'only a letters' }), Type.Number()]),
    );
    expect(h.errors('abc')).toEqual([{ path: '', message: 'expected only a letters' }]);
    expect(h.errors(true)).toEqual([{ path: '', message: 'expected string or number' }]);
    expect(thrown(() => h.parse(null)).message).toBe('/: expected string or number');
  });

  it('checks the date-time and uri formats', () => {
    const f = compileValidator(
      Type.Object({ at: Type.String({ format: 'date-time' }), url: Type.String({ format: 'uri' }) }),
    );
    expect(f.check({ at: '2024-05-01T10:00:00.123Z', url: 'http://h:1/x' })).toBe(true);
    expect(f.errors({ at: '2024-13-01T10:00:00Z', url: 'http://h/x' })[0]?.path).toBe('/at');
    expect(f.errors({ at: '2024-01-01T10:00:00Z', url: 'no scheme' })[0]?.path).toBe('/url');
  });

  it('throws the configured error class with a name prefix', () => {
    const E = createError<[string]>('PBX_ERR_TEST_SCHEMA_CUSTOM', 'custom: %s', 422);
    const c = compileValidator(Script, { error: E, name: 'Script' });
    const e = thrown(() => c.parse([{ verb: 1 }]));
    expect(e.code).toBe('PBX_ERR_TEST_SCHEMA_CUSTOM');
    expect(e.message).toBe('custom: Script: /0/verb: expected one of pause, connect');
  });

  it('stops collecting issues on huge malformed input', () => {
    const huge = Array.from({ length: 100_000 }, () => ({ verb: 'pause', length: 0 }));
    const issues = v.errors(huge);
    expect(issues).toHaveLength(50);
    expect(issues[49]?.path).toBe('/49/length');
    expect(thrown(() => v.parse(huge)).message).toMatch(/^\/0\/length: .*; \(40 more\)$/);
  });

  it('returns a frozen validator', () => {
    expect(Object.isFrozen(v)).toBe(true);
  });
});
