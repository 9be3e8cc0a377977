import { describe, expect, it } from 'vitest';
import { codecFlags, sdpHasTelephoneEvent } from '../src/ops/codec-flags.js';
import { PCMU, TELEPHONE_EVENT, audioSdp } from './support/sdp.js';

const withTe = audioSdp(4000, [PCMU, TELEPHONE_EVENT]);
const withoutTe = audioSdp(4000, [PCMU]);

describe('codec flags of an offer (docs/contract.md §4.2)', () => {
  it('masks the caller’s codecs and transcodes to the destination’s', () => {
    expect(codecFlags(['PCMU', 'PCMA'], ['G722'], withTe)).toEqual({ mask: ['PCMU', 'PCMA'], transcode: ['G722'] });
  });

  it('adds telephone-event when the caller’s SDP lacks it, not otherwise', () => {
    expect(sdpHasTelephoneEvent(withTe)).toBe(true);
    expect(sdpHasTelephoneEvent(withoutTe)).toBe(false);
    expect(codecFlags(['PCMU'], ['G722'], withoutTe).transcode).toEqual(['G722', 'telephone-event']);
    expect(codecFlags(['PCMU'], ['G722', 'telephone-event'], withoutTe).transcode).toEqual(['G722', 'telephone-event']);
  });

  it('never sends DIRECT to the engine and omits empty lists', () => {
    expect(codecFlags(['DIRECT', 'PCMU'], ['direct'], withTe)).toEqual({ mask: ['PCMU'] });
    expect(codecFlags(undefined, undefined, withTe)).toEqual({});
  });
});
