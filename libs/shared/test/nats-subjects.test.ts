import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { createJsonCodec } from '../src/nats/json-codec.js';
import { createSubjects, decodeToken, encodeToken } from '../src/nats/subjects.js';

describe('NATS subjects', () => {
  it('builds every subject from one place, with and without a prefix', () => {
    const s = createSubjects();
    expect(s.status('example.com', 'abc@10.0.0.1')).toBe('dragon.status.example%2Ecom.abc@10%2E0%2E0%2E1');
    expect(s.statusAll()).toBe('dragon.status.>');
    expect(s.media('offer')).toBe('dragon.media.offer');
    expect(s.calls('cr-1', 'hangup')).toBe('dragon.calls.cr-1.hangup');
    expect(s.callsAll('cr-1')).toBe('dragon.calls.cr-1.*');
    expect(s.registrations('example.com')).toBe('dragon.registrations.example%2Ecom');
    expect(s.registrationsAll()).toBe('dragon.registrations.*');
    const t = createSubjects({ prefix: 't-42.x' });
    expect(t.media('dtmf')).toBe('t-42.x.dragon.media.dtmf');
    expect(t.statusAll()).toBe('t-42.x.dragon.status.>');
  });

  it('escapes wildcards, separators and whitespace so a Call-ID stays one token', () => {
    const nasty = 'a.b*c>d e\tf%g ü';
    const token = encodeToken(nasty);
    expect(token).not.toMatch(/[.*> \t]/);
    expect(decodeToken(token)).toBe(nasty);
    const s = createSubjects({ prefix: 'p' });
    const subject = s.status('dom.example', nasty);
    expect(subject.split('.')).toHaveLength(5);
    expect(s.parseStatus(subject)).toEqual({ domain: 'dom.example', callId: nasty });
    expect(s.parseStatus('p.dragon.media.offer')).toBeUndefined();
    expect(s.parseStatus('p.dragon.status.onlyone')).toBeUndefined();
  });

  it('rejects empty tokens, bad prefixes and unknown media operations', () => {
    const s = createSubjects();
    expect(() => s.status('', 'x')).toThrow(expect.objectContaining({ code: 'PBX_ERR_NATS_BAD_SUBJECT' }));
    expect(() => createSubjects({ prefix: 'a.*' })).toThrow(expect.objectContaining({ code: 'PBX_ERR_NATS_BAD_SUBJECT' }));
    expect(() => createSubjects({ prefix: 'a..b' })).toThrow(/prefix/);
    expect(() => s.media('reboot' as never)).toThrow(/unknown media operation/);
    expect(() => decodeToken('%E0%A4%A')).toThrow(expect.objectContaining({ code: 'PBX_ERR_NATS_BAD_SUBJECT' }));
  });
});

describe('JSON codec', () => {
  const enc = new TextEncoder();
  const schemaCodec = createJsonCodec(Type.Object({ callId: Type.String(), port: Type.Integer({ minimum: 1 }) }));

  it('round-trips a valid value through a TypeBox schema', () => {
    const bytes = schemaCodec.encode({ callId: 'x', port: 5060 });
    expect(schemaCodec.decode(bytes)).toEqual({ callId: 'x', port: 5060 });
  });

  it('names the subject and the failing path on schema violations', () => {
    const err = (() => {
      try {
        schemaCodec.decode(enc.encode('{"callId":"x","port":0}'), 'dragon.media.offer');
      } catch (e) {
        return e as { code: string; message: string };
      }
    })();
    expect(err?.code).toBe('PBX_ERR_NATS_BAD_MESSAGE');
    expect(err?.message).toContain('dragon.media.offer');
    expect(err?.message).toContain('/port');
  });

  it('checks an already parsed value with the same rules as decode', () => {
    const value = { callId: 'x', port: 5060 };
    expect(schemaCodec.check(value)).toBe(value);
    expect(() => schemaCodec.check({ callId: 'x', port: 0 }, 'dragon.media.answer')).toThrow(
      expect.objectContaining({ code: 'PBX_ERR_NATS_BAD_MESSAGE', message: expect.stringMatching(/dragon\.media\.answer.*\/port/) }),
    );
  });

  it('rejects garbage JSON and invalid UTF-8 with PBX_ERR_NATS_BAD_MESSAGE', () => {
    expect(() => schemaCodec.decode(enc.encode('{not json'))).toThrow(/not JSON/);
    expect(() => schemaCodec.decode(new Uint8Array([0xff, 0xfe]))).toThrow(/UTF-8/);
    expect(() => schemaCodec.decode(enc.encode(''))).toThrow(expect.objectContaining({ code: 'PBX_ERR_NATS_BAD_MESSAGE' }));
  });

  it('accepts a type guard, and reports what a throwing guard says', () => {
    const isNum = (v: unknown): v is number => typeof v === 'number';
    const c = createJsonCodec(isNum);
    expect(c.decode(c.encode(7))).toBe(7);
    expect(() => c.decode(enc.encode('"7"'))).toThrow(/rejected by validator/);
    const strict = createJsonCodec((v: unknown): v is string => {
      if (typeof v !== 'string') throw new Error('want a string');
      return true;
    });
    expect(() => strict.decode(enc.encode('1'))).toThrow(/want a string/);
  });
});
