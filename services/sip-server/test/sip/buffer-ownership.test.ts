import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../src/sip/parse-message.js';
import { SipStreamFramer } from '../../src/sip/stream-framer.js';
import { basicInvite } from './fixtures.js';

describe('buffers kept by transactions own their memory', () => {
  it('toBuffer() does not slice the shared allocation pool', () => {
    const bytes = parseMessage(basicInvite([], 'v=0\r\n')).toBuffer();
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(bytes.length);
    expect(bytes.toString()).toContain('Content-Length: 5\r\n\r\nv=0\r\n');
  });

  it('the TCP framer copies a message out of a chunk holding several, and passes a lone one through', () => {
    const msg = basicInvite();
    const chunk = Buffer.concat([msg, msg]);
    const items = new SipStreamFramer().push(chunk);
    expect(items.map((i) => i.kind)).toEqual(['message', 'message']);
    for (const item of items) {
      if (item.kind !== 'message') throw new Error('not a message');
      expect(item.data.equals(msg)).toBe(true);
      expect(item.data.buffer).not.toBe(chunk.buffer);
      expect(item.data.buffer.byteLength).toBe(msg.length);
    }
    const lone = Buffer.from(msg);
    const [only] = new SipStreamFramer().push(lone);
    expect(only).toEqual({ kind: 'message', data: lone });
    expect(only?.kind === 'message' && only.data).toBe(lone);
  });
});
