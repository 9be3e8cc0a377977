/**
 * Malformed input must never crash the parser with anything but a
 * SipParseError (RFC 4475 §1: "never crash or stall").
 */
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../src/sip/parse-message.js';
import { SipParseError } from '../../src/sip/sip-parse-error.js';
import { basicInvite } from './fixtures.js';
import { mutate, rng } from './fuzz.js';

describe('parser robustness', () => {
  it('throws only SipParseError on 5000 mutated messages', () => {
    const base = basicInvite(['Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>', 'Content-Type: application/sdp'], 'v=0\r\ns=x\r\n');
    const rand = rng(4475);
    let ok = 0;
    let rejected = 0;
    for (let i = 0; i < 5000; i++) {
      const buf = mutate(base, rand);
      try {
        const m = parseMessage(buf);
        m.toBuffer();
        ok++;
      } catch (err) {
        if (!(err instanceof SipParseError)) throw new Error(`iteration ${i}: ${String(err)}\n${buf.toString('latin1')}`);
        rejected++;
      }
    }
    expect(ok + rejected).toBe(5000);
    expect(ok).toBeGreaterThan(0);
    expect(rejected).toBeGreaterThan(0);
  });
});
