import { describe, expect, it } from 'vitest';
import { BencodeDecodeError, BencodeEncodeError, bdecode, bencodeText } from '../src/ng/bencode.js';

const wire = (v: unknown) => Buffer.from(bencodeText(v), 'utf8');

describe('bencode', () => {
  it('encodes ng parameters with sorted keys and UTF-8 byte lengths', () => {
    expect(bencodeText({ sdp: 'v=0', 'call-id': 'c1', command: 'offer', flags: ['inject DTMF'], 'delete-delay': 0, skip: undefined })).toBe(
      'd7:call-id2:c17:command5:offer12:delete-delayi0e5:flagsl11:inject DTMFe3:sdp3:v=0e',
    );
    expect(bencodeText({ codec: { mask: ['PCMU'], transcode: ['G722', 'telephone-event'] } })).toBe(
      'd5:codecd4:maskl4:PCMUe9:transcodel4:G72215:telephone-eventeee',
    );
    expect(bencodeText('é€')).toBe('5:é€');
    expect(bencodeText(-12)).toBe('i-12e');
  });

  it('decodes what it encodes, strings as UTF-8', () => {
    const value = { 'call-id': 'ü@x', n: -3, zero: 0, list: ['a', 7, { deep: ['x'] }], empty: {}, none: [] };
    expect(bdecode(wire(value))).toEqual(value);
    const reply = Buffer.from('cookie d6:result2:ok3:sdp4:v=0\ne');
    expect(bdecode(reply, 7)).toEqual({ result: 'ok', sdp: 'v=0\n' });
  });

  it('keeps a __proto__ key as a plain property', () => {
    const v = bdecode(Buffer.from('d9:__proto__d1:xi1eee')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(v, '__proto__')?.value).toEqual({ x: 1 });
  });

  it('refuses values ng has no bencoding for, naming where they are', () => {
    expect(() => bencodeText({ a: [1, 1.5] })).toThrow(BencodeEncodeError);
    expect(() => bencodeText({ a: [1, 1.5] })).toThrow('$.a[1]: 1.5 is not an integer');
    expect(() => bencodeText({ b: true })).toThrow('$.b: cannot bencode boolean');
    expect(() => bencodeText({ c: null })).toThrow('$.c: cannot bencode null');
    expect(() => bencodeText({ d: new Date(0) })).toThrow('$.d: cannot bencode object');
  });

  it('reports each kind of malformed input with its offset', () => {
    const bad: [string, string][] = [
      ['', 'truncated at offset 0'],
      ['d6:result2:ok', 'truncated at offset 13'],
      ['i12', 'unterminated integer at offset 0'],
      ['i01e', 'bad integer "01" at offset 0'],
      ['i-0e', 'bad integer "-0" at offset 0'],
      ['5:abc', 'string of 5 bytes at offset 0 runs past the end'],
      ['3x:abc', 'bad string length at offset 0'],
      ['x', 'unexpected byte 0x78 at offset 0'],
      ['i1ei2e', 'trailing bytes at offset 3'],
      ['l'.repeat(100) + 'e'.repeat(100), 'nested deeper than 64 at offset 65'],
    ];
    for (const [text, message] of bad) {
      expect(() => bdecode(Buffer.from(text)), text).toThrow(BencodeDecodeError);
      expect(() => bdecode(Buffer.from(text)), text).toThrow(message);
    }
  });
});
