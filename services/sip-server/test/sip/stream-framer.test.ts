import { describe, expect, it } from 'vitest';
import { SipStreamFramer } from '../../src/sip/stream-framer.js';
import { basicInvite, sipText } from './fixtures.js';

const body = 'v=0\r\ns=é\r\n';
const msg = basicInvite([], body);

describe('SipStreamFramer (RFC 3261 §18.3)', () => {
  it('frames a message split at every byte boundary', () => {
    for (let cut = 1; cut < msg.length; cut += 7) {
      const f = new SipStreamFramer();
      const a = f.push(msg.subarray(0, cut));
      const b = f.push(msg.subarray(cut));
      const items = [...a, ...b];
      expect(items).toHaveLength(1);
      expect(items[0]!.kind).toBe('message');
      expect((items[0] as { data: Buffer }).data.equals(msg)).toBe(true);
      expect(f.pending).toBe(0);
    }
  });

  it('frames several messages in one read, with keep-alives between them', () => {
    const f = new SipStreamFramer();
    const items = f.push(Buffer.concat([msg, Buffer.from('\r\n\r\n'), msg, Buffer.from('\r\n'), msg.subarray(0, 10)]));
    expect(items.map((i) => i.kind)).toEqual(['message', 'ping', 'message']);
    expect(f.pending).toBe(10);
    const rest = f.push(msg.subarray(10));
    expect(rest.map((i) => i.kind)).toEqual(['message']);
  });

  it('waits for the rest of a split CRLFCRLF ping', () => {
    const f = new SipStreamFramer();
    expect(f.push(Buffer.from('\r\n'))).toEqual([]);
    expect(f.push(Buffer.from('\r\n'))).toEqual([{ kind: 'ping' }]);
  });

  it('reports a missing Content-Length with the header section, then stops', () => {
    const f = new SipStreamFramer();
    const noCl = sipText(['OPTIONS sip:a@b SIP/2.0', 'Via: SIP/2.0/TCP h;branch=z9hG4bK1', 'Call-ID: 1']);
    const items = f.push(noCl);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: 'error', reason: 'Missing Content-Length' });
    expect(f.push(msg)).toEqual([]);
  });

  it('rejects oversized messages and oversized header sections', () => {
    const big = new SipStreamFramer({ maxMessageBytes: 100 });
    expect(big.push(msg)[0]).toMatchObject({ kind: 'error', reason: 'Message too large' });
    const head = new SipStreamFramer({ maxHeaderBytes: 64 });
    expect(head.push(Buffer.from('INVITE sip:a@b SIP/2.0\r\n' + 'X: y\r\n'.repeat(20)))[0]).toMatchObject({
      kind: 'error',
      reason: 'header section too large',
    });
    const bad = new SipStreamFramer();
    expect(bad.push(sipText(['OPTIONS sip:a@b SIP/2.0', 'l: -5']))[0]).toMatchObject({ reason: 'Bad Content-Length' });
  });
});
