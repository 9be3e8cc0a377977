import { describe, expect, it } from 'vitest';
import { checkInviteSdp } from '../src/routing/check-invite-sdp.js';
import { audioCodecs, readSdp } from '../src/sdp/read-sdp.js';
import { readDtmfInfo } from '../src/verbs/connect/dtmf-info.js';
import { assertCommonCodec } from '../src/verbs/connect/media-plan.js';

const sdp = (...media: string[]) => ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', ...media, ''].join('\r\n');
const req = (body: string, type?: string) => ({ body, get: (n: string) => (n === 'Content-Type' ? type : undefined) });

describe('readSdp', () => {
  it('reads codecs from rtpmap and RFC 3551 static payload types, skipping disabled sections', () => {
    const s = readSdp(sdp('m=audio 4000 RTP/AVP 8 0 96 101', 'a=rtpmap:96 opus/48000/2', 'a=rtpmap:101 telephone-event/8000', 'm=audio 0 RTP/AVP 9', 'm=video 5000 RTP/AVP 31'));
    expect(s.media.map((m) => m.codecs)).toEqual([['PCMA', 'PCMU', 'OPUS', 'TELEPHONE-EVENT'], ['G722'], ['31']]);
    expect(audioCodecs(s)).toEqual(['PCMA', 'PCMU', 'OPUS']);
  });

  it('accepts a connection line per media section instead of at session level', () => {
    const body = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 't=0 0', 'm=audio 4000 RTP/AVP 0', 'c=IN IP4 10.0.0.1', ''].join('\n');
    expect(audioCodecs(readSdp(body))).toEqual(['PCMU']);
  });

  it.each([
    ['hello world', 'does not start with v=0'],
    ['v=0\r\nthis is not sdp\r\n', 'unreadable line "this is not sdp"'],
    [sdp('a=sendrecv'), 'no media line (m=)'],
    [sdp('m=audio port RTP/AVP 0'), 'malformed media line'],
    [sdp('m=audio 4000 RTP/AVP'), 'malformed media line'],
    [['v=0', 's=-', 't=0 0', 'm=audio 4000 RTP/AVP 0', ''].join('\r\n'), 'no connection line (c=)'],
    [['v=0', 'c=IN XX nowhere', 'm=audio 4000 RTP/AVP 0', ''].join('\r\n'), 'malformed connection line'],
  ])('refuses %j: %s', (body, why) => {
    expect(() => readSdp(body)).toThrow(why);
    try {
      readSdp(body);
    } catch (err) {
      expect((err as { code: string }).code).toBe('PBX_ERR_SDP_INVALID');
    }
  });
});

describe('assertCommonCodec', () => {
  it('passes an offer with a codec the list allows (any case), or any voice codec for an empty list', () => {
    expect(() => assertCommonCodec(sdp('m=audio 4000 RTP/AVP 8 0'), ['pcmu'], 'the caller')).not.toThrow();
    expect(() => assertCommonCodec(sdp('m=audio 4000 RTP/AVP 18'), [], 'x')).not.toThrow();
  });

  it('refuses no common codec, and an offer of events or comfort noise only (PBX_ERR_SDP_NO_COMMON_CODEC)', () => {
    expect(() => assertCommonCodec(sdp('m=audio 4000 RTP/AVP 8'), ['PCMU', 'G722'], 'the caller')).toThrow('no common codec: the caller offers PCMA, allowed PCMU,G722');
    expect(() => assertCommonCodec(sdp('m=audio 4000 RTP/AVP 101 13', 'a=rtpmap:101 telephone-event/8000'), [], "RTPEngine's offer")).toThrow(
      "no common codec: RTPEngine's offer offers no voice codec",
    );
  });
});

describe('checkInviteSdp', () => {
  it('lets no body (late offer) and readable SDP through', () => {
    expect(checkInviteSdp(req(''))).toBeUndefined();
    expect(checkInviteSdp(req(sdp('m=audio 4000 RTP/AVP 0'), 'application/sdp'))).toBeUndefined();
    expect(checkInviteSdp(req(sdp('m=audio 4000 RTP/AVP 0')))).toBeUndefined();
  });

  it('refuses malformed SDP with 400 and another body type with 415 + Accept', () => {
    expect(checkInviteSdp(req('garbage', 'application/SDP; charset=x'))).toEqual({
      status: 400,
      reason: 'Bad Request',
      headers: { 'X-Reason': 'malformed SDP: does not start with v=0' },
      code: 'PBX_ERR_SDP_INVALID',
    });
    expect(checkInviteSdp(req('<xml/>', 'application/xml'))).toMatchObject({ status: 415, headers: { Accept: 'application/sdp' } });
  });
});

describe('readDtmfInfo', () => {
  it('reads dtmf-relay Signal/Duration (any case and spacing), RFC 4733 codes 10-15, and application/dtmf', () => {
    expect(readDtmfInfo('application/dtmf-relay', 'Signal=5\r\nDuration=160\r\n')).toEqual({ digit: '5', durationMs: 160 });
    expect(readDtmfInfo('application/dtmf-relay', 'signal = *\nduration= 80')).toEqual({ digit: '*', durationMs: 80 });
    expect(readDtmfInfo('application/dtmf-relay', 'Signal=11')).toEqual({ digit: '#', durationMs: 250 });
    expect(readDtmfInfo('application/dtmf-relay', 'Signal=a\nDuration=99999')).toEqual({ digit: 'A', durationMs: 5000 });
    expect(readDtmfInfo('application/dtmf-relay', 'Signal=1\nDuration=1')).toEqual({ digit: '1', durationMs: 40 });
    expect(readDtmfInfo('application/dtmf', '7\r\n')).toEqual({ digit: '7', durationMs: 250 });
  });

  it.each([
    ['application/dtmf-relay', 'Duration=100', 'no Signal'],
    ['application/dtmf-relay', 'Signal=Z', 'Signal "Z" is not a DTMF digit'],
    ['application/dtmf-relay', 'Signal=16', 'Signal "16" is not a DTMF digit'],
    ['application/dtmf-relay', 'Signal=1\nDuration=-5', 'Duration "-5" is not a number of ms'],
    ['application/dtmf', '', 'no Signal'],
  ])('refuses %s %j: %s', (type, body, why) => {
    expect(() => readDtmfInfo(type, body)).toThrow(`malformed DTMF INFO: ${why}`);
  });
});
