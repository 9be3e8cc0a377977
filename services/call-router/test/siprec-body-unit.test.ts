import { describe, expect, it } from 'vitest';
import { buildMetadata, buildSiprecBody, labelStreams, metadataId, sdpOfAnswer, siprecFrom, xmlEscape } from '../src/verbs/record/siprec-body.js';

const OFFER = [
  'v=0',
  'o=- 1 1 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 30000 RTP/AVP 0',
  'a=rtpmap:0 PCMU/8000',
  'a=sendrecv',
  'm=audio 30002 RTP/AVP 0',
  'a=rtpmap:0 PCMU/8000',
  'a=sendonly',
  '',
].join('\r\n');

const sequence = () => {
  let i = 0;
  return () => `id${i++}`;
};

describe('labelStreams', () => {
  it('labels each m= section in order and makes it sendonly, keeping the session part', () => {
    const { sdp, labels } = labelStreams(OFFER);
    expect(labels).toEqual(['1', '2']);
    expect(sdp.startsWith('v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 30000')).toBe(true);
    expect(sdp.match(/^a=sendonly$/gm)).toHaveLength(2);
    expect(sdp).not.toContain('a=sendrecv');
    expect(sdp.match(/^a=label:(\d)$/gm)).toEqual(['a=label:1', 'a=label:2']);
    expect(sdp.endsWith('\r\n')).toBe(true);
  });

  it("keeps the engine's own labels", () => {
    const { sdp, labels } = labelStreams(OFFER.replace('a=sendrecv', 'a=label:caller'));
    expect(labels).toEqual(['caller', '2']);
    expect(sdp.match(/^a=label:/gm)).toHaveLength(2);
  });

  it('an SDP without m= lines has no labels', () => {
    expect(labelStreams('v=0\r\ns=-\r\n').labels).toEqual([]);
  });
});

describe('buildMetadata', () => {
  const base = {
    callId: 'abc@host',
    startedAt: new Date('2026-01-02T03:04:05.000Z'),
    caller: { aor: 'sip:1001@example.com', name: 'Alice' },
    callee: { aor: 'sip:2000@example.com' },
  };

  it('one session, two participants, one stream per leg and their send/recv associations (RFC 7865)', () => {
    const xml = buildMetadata({ ...base, streams: [{ leg: 'a', label: '1' }, { leg: 'b', label: '2' }] }, sequence());
    // ids: group id0, session id1, streams id2 (a) id3 (b), participants id4 (a) id5 (b)
    expect(xml).toContain('<recording xmlns="urn:ietf:params:xml:ns:recording:1">');
    expect(xml).toContain('<datamode>complete</datamode>');
    expect(xml).toContain('<group group_id="id0">');
    expect(xml).toContain('<session session_id="id1">\r\n    <group-ref>id0</group-ref>\r\n    <sipSessionID>abc@host</sipSessionID>\r\n    <start-time>2026-01-02T03:04:05.000Z</start-time>');
    expect(xml).toContain('<participant participant_id="id4">\r\n    <nameID aor="sip:1001@example.com">\r\n      <name>Alice</name>');
    expect(xml).toContain('<participant participant_id="id5">\r\n    <nameID aor="sip:2000@example.com"/>');
    expect(xml).toContain('<stream stream_id="id2" session_id="id1">\r\n    <label>1</label>');
    expect(xml).toContain('<stream stream_id="id3" session_id="id1">\r\n    <label>2</label>');
    expect(xml).toContain('<participantstreamassoc participant_id="id4">\r\n    <send>id2</send>\r\n    <recv>id3</recv>');
    expect(xml).toContain('<participantstreamassoc participant_id="id5">\r\n    <send>id3</send>\r\n    <recv>id2</recv>');
    expect(xml.match(/<participantsessionassoc /g)).toHaveLength(2);
    expect(xml).not.toContain('extensiondata');
  });

  it("one leg: the callee only receives the caller's stream", () => {
    const xml = buildMetadata({ ...base, streams: [{ leg: 'a', label: '1' }] }, sequence());
    expect(xml.match(/<stream /g)).toHaveLength(1);
    expect(xml).toContain('<participantstreamassoc participant_id="id3">\r\n    <send>id2</send>\r\n  </participantstreamassoc>');
    expect(xml).toContain('<participantstreamassoc participant_id="id4">\r\n    <recv>id2</recv>\r\n  </participantstreamassoc>');
  });

  it('escapes names, aors and session fields; non-string fields as JSON', () => {
    const xml = buildMetadata(
      {
        ...base,
        caller: { aor: 'sip:a"b@x', name: 'A & <B>\u0001' },
        streams: [],
        session: { 'ti"ck': 'x<y', n: 3, o: { k: true } },
      },
      sequence(),
    );
    expect(xml).toContain('<nameID aor="sip:a&quot;b@x">');
    expect(xml).toContain('<name>A &amp; &lt;B&gt;</name>');
    expect(xml).toContain('<extensiondata xmlns="urn:dragonpbx:params:xml:ns:recording:1">');
    expect(xml).toContain('<field name="ti&quot;ck">x&lt;y</field>');
    expect(xml).toContain('<field name="n">3</field>');
    expect(xml).toContain('<field name="o">{&quot;k&quot;:true}</field>');
  });

  it('ids are 128-bit, base64url', () => {
    const id = metadataId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    expect(metadataId()).not.toBe(id);
  });

  it('xmlEscape drops characters XML 1.0 forbids', () => {
    expect(xmlEscape("a\u0000b\u001fc'")).toBe('abc&apos;');
  });
});

describe('buildSiprecBody', () => {
  it('multipart/mixed: the SDP, then the metadata with Content-Disposition recording-session (RFC 7866 §9.1)', () => {
    const { contentType, body } = buildSiprecBody('v=0\ns=-\n', '<recording/>', 'XYZ');
    expect(contentType).toBe('multipart/mixed;boundary=XYZ');
    expect(body).toBe(
      [
        '--XYZ',
        'Content-Type: application/sdp',
        '',
        'v=0\r\ns=-\r\n',
        '--XYZ',
        'Content-Type: application/rs-metadata+xml',
        'Content-Disposition: recording-session',
        '',
        '<recording/>\r\n',
        '--XYZ--',
        '',
      ].join('\r\n'),
    );
  });

  it('a random boundary that the parts do not contain', () => {
    const { contentType, body } = buildSiprecBody('v=0\r\n', '<x/>');
    const boundary = /boundary=(\S+)$/.exec(contentType)![1]!;
    expect(boundary).toMatch(/^dragon-[0-9a-f]{16}$/);
    expect(body.split(`--${boundary}`)).toHaveLength(4);
  });

  it('round trip: the SDP part comes back out of the body', () => {
    const { contentType, body } = buildSiprecBody(OFFER, '<x/>');
    expect(sdpOfAnswer(body, contentType)).toBe(OFFER);
    expect(sdpOfAnswer(body, undefined)).toBe(OFFER);
  });
});

describe('sdpOfAnswer', () => {
  it('a plain SDP body, with or without its Content-Type', () => {
    expect(sdpOfAnswer(OFFER, 'application/sdp')).toBe(OFFER);
    expect(sdpOfAnswer(OFFER, undefined)).toBe(OFFER);
  });

  it('none: empty body, another type, a multipart without SDP or without boundary', () => {
    expect(sdpOfAnswer('', 'application/sdp')).toBeUndefined();
    expect(sdpOfAnswer('<x/>', 'application/rs-metadata+xml')).toBeUndefined();
    expect(sdpOfAnswer('--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b--\r\n', 'multipart/mixed;boundary=b')).toBeUndefined();
    expect(sdpOfAnswer('--b\r\n', 'multipart/mixed')).toBeUndefined();
  });

  it('a quoted boundary', () => {
    const body = '--q q\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n--q q--\r\n';
    expect(sdpOfAnswer(body, 'multipart/mixed; boundary="q q"')).toBe('v=0\r\n');
  });
});

describe('siprecFrom', () => {
  it('a user, a URI, a name-addr, or nothing', () => {
    expect(siprecFrom('rec', 'example.com')).toBe('<sip:rec@example.com>');
    expect(siprecFrom('sip:rec@other.net', 'example.com')).toBe('<sip:rec@other.net>');
    expect(siprecFrom('"Rec" <sip:rec@other.net>', 'example.com')).toBe('"Rec" <sip:rec@other.net>');
    expect(siprecFrom(undefined, 'example.com')).toBeUndefined();
  });
});
