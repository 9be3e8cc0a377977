import { describe, expect, it, vi } from 'vitest';
import { parseAppFrame } from '../../src/drachtio/app-frame.js';
import { FrameDecoder } from '../../src/drachtio/frame-decoder.js';
import { encodeFrame } from '../../src/drachtio/frame-encoder.js';

const originalConcat = Buffer.concat.bind(Buffer);

function frame(payload: string): Buffer {
  const b = Buffer.from(payload, 'utf8');
  return Buffer.concat([Buffer.from(`${b.length}#`), b]);
}

describe('FrameDecoder', () => {
  const payloads = ['id1|ping', 'id2|route|invite', 'id3|sip||\r\nMESSAGE sip:a@b SIP/2.0\r\n\r\nhé 😀 ü'];
  const stream = Buffer.concat(payloads.map(frame));

  it('decodes several frames delivered in one read', () => {
    const d = new FrameDecoder();
    expect(d.push(stream).map((b) => b.toString('utf8'))).toEqual(payloads);
    expect(d.bufferedBytes).toBe(0);
  });

  it('decodes the stream split at every byte position, including inside the length digits', () => {
    for (let cut = 1; cut < stream.length; cut++) {
      const d = new FrameDecoder();
      const out = [...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut))];
      expect(out.map((b) => b.toString('utf8'))).toEqual(payloads);
    }
  });

  it('decodes a stream fed one byte at a time', () => {
    const d = new FrameDecoder();
    const out: string[] = [];
    for (const byte of stream) out.push(...d.push(Buffer.from([byte])).map((b) => b.toString('utf8')));
    expect(out).toEqual(payloads);
  });

  it('counts UTF-8 bytes, not characters, in the length prefix', () => {
    const enc = encodeFrame('x|sip', Buffer.from('😀é', 'utf8'));
    expect(enc.toString('utf8')).toBe('13#x|sip\r\n😀é');
    expect(new FrameDecoder().push(enc)[0]?.toString('utf8')).toBe('x|sip\r\n😀é');
  });

  it.each([
    ['non-digit before #', 'a3#abc'],
    ['zero length', '0#'],
    ['empty prefix', '#abc'],
    ['too many digits', '12345678901#'],
  ])('rejects %s with PBX_ERR_DRACHTIO_FRAMING', (_n, input) => {
    expect(() => new FrameDecoder().push(Buffer.from(input))).toThrow(
      expect.objectContaining({ code: 'PBX_ERR_DRACHTIO_FRAMING' }),
    );
  });

  it('rejects a frame larger than the configured maximum', () => {
    expect(() => new FrameDecoder(100).push(Buffer.from('101#'))).toThrow(/exceeds 100/);
  });

  it('decodes a 16 MB frame read in 64 KB pieces joining its bytes once (cost linear in its size)', () => {
    const size = 16 * 1024 * 1024 - 16;
    const payload = Buffer.alloc(size, 0x61);
    payload.write('big|sip', 0);
    const wire = Buffer.concat([Buffer.from(`${size}#`), payload]);
    const d = new FrameDecoder();
    // Every byte handed to Buffer.concat is a byte copied: re-joining the pending buffer on
    // each read would copy ~2 GB here; a linear decoder copies about the frame once.
    const concat = vi.spyOn(Buffer, 'concat');
    let copied = 0;
    concat.mockImplementation((list: readonly Uint8Array[], total?: number) => {
      const out = originalConcat(list, total);
      copied += out.length;
      return out;
    });
    const out: Buffer[] = [];
    try {
      for (let i = 0; i < wire.length; i += 65536) out.push(...d.push(wire.subarray(i, i + 65536)));
    } finally {
      concat.mockRestore();
    }
    expect(out).toHaveLength(1);
    expect(out[0]?.length).toBe(size);
    expect(out[0]?.equals(payload)).toBe(true);
    expect(copied).toBeLessThanOrEqual(2 * wire.length);
    expect(d.bufferedBytes).toBe(0);
  });

  it('lets the sink of decode() change the limit before the next prefix is read', () => {
    const d = new FrameDecoder(10);
    const got: string[] = [];
    d.decode(Buffer.from('4#auth20#aaaaaaaaaaaaaaaaaaaa'), (p) => {
      got.push(p.toString());
      d.maxFrameBytes = 100;
    });
    expect(got).toEqual(['auth', 'a'.repeat(20)]);
    expect(() => new FrameDecoder(10).push(Buffer.from('4#auth20#aaaaaaaaaaaaaaaaaaaa'))).toThrow(/exceeds 10/);
  });
});

describe('parseAppFrame', () => {
  it('splits the leader on | keeping empty tokens and returns the SIP part after the first CRLF', () => {
    const f = parseAppFrame(Buffer.from('m1|sip|||sip:10.0.0.1\r\nINVITE sip:x SIP/2.0\r\n\r\nbody\r\n\r\nmore'));
    expect(f.msgId).toBe('m1');
    expect(f.type).toBe('sip');
    expect(f.tokens).toEqual(['m1', 'sip', '', '', 'sip:10.0.0.1']);
    expect(f.sip?.toString()).toBe('INVITE sip:x SIP/2.0\r\n\r\nbody\r\n\r\nmore');
  });

  it('keeps a trailing empty token', () => {
    expect(parseAppFrame(Buffer.from('m|authenticate|cymru|')).tokens).toEqual(['m', 'authenticate', 'cymru', '']);
  });

  it('rejects unknown types and leaders without a type', () => {
    expect(() => parseAppFrame(Buffer.from('m|bogus'))).toThrow(/Unknown message type/);
    expect(() => parseAppFrame(Buffer.from('justone'))).toThrow(/Invalid message format/);
  });
});
