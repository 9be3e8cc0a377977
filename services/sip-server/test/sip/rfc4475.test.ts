/**
 * A selection of RFC 4475 torture messages, retyped here (§3.1.1 valid,
 * §3.1.2 invalid). The complete suite lives in test/torture/.
 */
import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../../src/policy/compile-policy.js';
import { createPolicy } from '../../src/policy/create-policy.js';
import { parseNameAddr } from '../../src/sip/name-addr.js';
import { parseMessage } from '../../src/sip/parse-message.js';
import { SipParseError } from '../../src/sip/sip-parse-error.js';
import type { SipRequest } from '../../src/sip/sip-request.js';
import type { SipResponse } from '../../src/sip/sip-response.js';
import { parseUri } from '../../src/sip/sip-uri.js';
import { parseVia } from '../../src/sip/via.js';
import { sipText } from './fixtures.js';

const SDP = 'v=0\r\no=mhandley 29739 7272939 IN IP4 192.0.2.3\r\ns=-\r\nc=IN IP4 192.0.2.4\r\nt=0 0\r\nm=audio 49217 RTP/AVP 0 12\r\nm=video 3227 RTP/AVP 31\r\na=rtpmap:31 LPC\r\n';

function parseError(buf: Buffer): SipParseError {
  try {
    parseMessage(buf);
  } catch (err) {
    expect(err).toBeInstanceOf(SipParseError);
    return err as SipParseError;
  }
  throw new Error('expected a parse error');
}

describe('RFC 4475 §3.1.1 valid messages', () => {
  it('3.1.1.1 wsinv: short tortuous INVITE (LWS, folding, compact forms, odd case)', () => {
    const buf = sipText(
      [
        'INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0',
        'TO :',
        ' sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n',
        'from   : "J Rosenberg \\\\\\""       <sip:jdrosen@example.com>',
        '  ;',
        '  tag = 98asjd8',
        'MaX-fOrWaRdS: 0068',
        'Call-ID: wsinv.ndaksdj@192.0.2.1',
        'Content-Length   : {cl}',
        'cseq: 0009',
        '  INVITE',
        'Via  : SIP  /   2.0',
        ' /UDP',
        '    192.0.2.2;branch=390skdjuw',
        's :',
        'NewFangledHeader:   newfangled value',
        ' continued newfangled value',
        'UnknownHeaderWithUnusualValue: ;;,,;;,;',
        'Content-Type: application/sdp',
        'Route:',
        ' <sip:services.example.com;lr;unknownwith=value;unknown-no-value>',
        'v:  SIP  / 2.0  / TCP     spindle.example.com   ;',
        '  branch  =   z9hG4bK9ikj8  ,',
        ' SIP  /    2.0   / UDP  192.168.255.111   ; branch=',
        ' z9hG4bK30239',
        'm:"Quoted string \\"\\"" <sip:jdrosen@example.com> ; newparam =',
        '      newvalue ;',
        '  secondparam ; q = 0.33',
      ],
      SDP,
    );
    const m = parseMessage(buf) as SipRequest;
    expect(m.method).toBe('INVITE');
    expect(parseNameAddr(m.get('to')!).params.tag).toBe('1918181833n');
    const from = parseNameAddr(m.get('from')!);
    expect(from.displayName).toBe('J Rosenberg \\"');
    expect(from.params.tag).toBe('98asjd8');
    expect(m.get('cseq')).toBe('0009 INVITE');
    expect(m.get('s')).toBe('');
    expect(m.get('newfangledheader')).toBe('newfangled value continued newfangled value');
    const vias = m.getAll('via').map(parseVia);
    expect(vias.map((v) => [v.protocol, v.host, v.branch])).toEqual([
      ['UDP', '192.0.2.2', '390skdjuw'],
      ['TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
      ['UDP', '192.168.255.111', 'z9hG4bK30239'],
    ]);
    const contact = parseNameAddr(m.get('contact')!);
    expect(contact.displayName).toBe('Quoted string ""');
    expect(contact.params).toEqual({ newparam: 'newvalue', secondparam: null, q: '0.33' });
    expect(m.body.toString()).toBe(SDP);
  });

  it('3.1.1.2 intmeth: wide range of valid characters', () => {
    const buf = sipText([
      "!interesting-Method0123456789_*+`.%indeed'~ sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com SIP/2.0",
      "Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bK-.!%66*_+`'~",
      'To: "BEL:\\\x07 NUL:\\\x00 DEL:\\\x7f" <sip:1_unusual.URI~(to-be!sure)&isn\'t+it$/crazy?,/;;*@example.com>',
      'From: token1~` token2\'+_ token3*%!.- <sip:mundane@example.com>;fromParam\'\'~+*_!.-%="работающий";tag=_token~1\'+`*%!-.',
      'Call-ID: intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{',
      "CSeq: 139122385 !interesting-Method0123456789_*+`.%indeed'~",
      'Max-Forwards: 255',
      "extensionHeader-!.%*+_`'~: 大停電",
      'Content-Length: 0',
    ]);
    const m = parseMessage(buf) as SipRequest;
    expect(m.method).toBe("!interesting-Method0123456789_*+`.%indeed'~");
    const uri = parseUri(m.uri);
    expect(uri.user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    expect(uri.password).toBe("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    expect(uri.host).toBe('example.com');
    expect(m.get("EXTENSIONHEADER-!.%*+_`'~")).toBe('大停電');
    expect(parseNameAddr(m.get('from')!).params.tag).toBe("_token~1'+`*%!-.");
  });

  it('3.1.1.3 esc01 / 3.1.1.4 escnull / 3.1.1.5 esc02: escapes in URIs, methods and header names', () => {
    const esc01 = parseMessage(
      sipText(
        [
          'INVITE sip:sips%3Auser%40example.com@example.net SIP/2.0',
          'To: sip:%75se%72@example.com',
          'From: <sip:I%20have%20spaces@example.net>;tag=938',
          'Max-Forwards: 87',
          'i: esc01.239409asdfakjkn23onasd0-3234',
          'CSeq: 234234 INVITE',
          'Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bKkdjuw',
          'C: application/sdp',
          'Contact:',
          '  <sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31>',
          'Content-Length: {cl}',
        ],
        SDP,
      ),
    ) as SipRequest;
    expect(parseUri(esc01.uri).user).toBe('sips%3Auser%40example.com');
    expect(esc01.get('content-type')).toBe('application/sdp');
    expect(parseUri(parseNameAddr(esc01.get('contact')!).uri).params).toEqual({ '%6c%72': null, 'n%61me': 'v%61lue%25%34%31' });
    const escnull = parseMessage(
      sipText([
        'REGISTER sip:example.com SIP/2.0',
        'To: sip:null-%00-null@example.com',
        'From: sip:null-%00-null@example.com;tag=839923423',
        'Max-Forwards: 70',
        'Call-ID: escnull.39203ndfvkjdasfkq3w4otrq0adsf',
        'CSeq: 3923239 REGISTER',
        'Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bKkdjuw',
        'Contact: <sip:%00@host5.example.com>',
        'Contact: <sip:%00%00@host5.example.com>',
        'L:0',
      ]),
    );
    expect(escnull.getAll('contact')).toHaveLength(2);
    const esc02 = parseMessage(
      sipText([
        'RE%47IST%45R sip:registrar.example.com SIP/2.0',
        'To: "%Z%45" <sip:resource@example.com>',
        'From: "%Z%45" <sip:resource@example.com>;tag=f232jadfj23',
        'Call-ID: esc02.asdfnqwo34rq23i34jrjasdcnl23nrlknsdf',
        'Via: SIP/2.0/TCP host.example.com;branch=z9hG4bK209323',
        'CSeq: 29344 RE%47IST%45R',
        'Max-Forwards: 70',
        'Contact: <sip:alias1@host1.example.com>',
        'C%6Fntact: <sip:alias2@host2.example.com>',
        'Contact: <sip:alias3@host3.example.com>',
        'l: 0',
      ]),
    ) as SipRequest;
    expect(esc02.method).toBe('RE%47IST%45R');
    expect(esc02.getAll('contact')).toHaveLength(2);
    expect(esc02.get('C%6Fntact')).toBe('<sip:alias2@host2.example.com>');
  });

  it('3.1.1.6 lwsdisp + 3.1.1.9 semiuri + 3.1.1.10 transports', () => {
    const m = parseMessage(
      sipText([
        'OPTIONS sip:user;par=u%40example.net@example.com SIP/2.0',
        'Via: SIP/2.0/SCTP t1.example.com;branch=z9hG4bKkdjuw',
        'Via: SIP/2.0/TLS t2.example.com;branch=z9hG4bKklasjdhf',
        'Via: SIP/2.0/UNKNOWN t3.example.com;branch=z9hG4bK2980unddj',
        'From: caller<sip:caller@example.com>;tag=323',
        'To: <sip:user;par=u%40example.net@example.com>',
        'Call-ID: semiuri.0ha0isndaksdj',
        'CSeq: 8 OPTIONS',
        'Max-Forwards: 70',
        'Content-Length: 0',
      ]),
    ) as SipRequest;
    expect(parseUri(m.uri).user).toBe('user;par=u%40example.net');
    expect(parseNameAddr(m.get('from')!).displayName).toBe('caller');
    expect(m.getAll('via').map((v) => parseVia(v).protocol)).toEqual(['SCTP', 'TLS', 'UNKNOWN']);
  });

  it('3.1.1.8 dblreq: bytes after Content-Length in a datagram are discarded', () => {
    const first = sipText([
      'REGISTER sip:example.com SIP/2.0',
      'To: sip:j.user@example.com',
      'From: sip:j.user@example.com;tag=43251j3j324',
      'Max-Forwards: 8',
      'I: dblreq.0ha0isnda977644900765@192.0.2.15',
      'CSeq: 8 REGISTER',
      'Via: SIP/2.0/UDP 192.0.2.125;branch=z9hG4bKkdjuw23492',
      'Content-Length: 0',
    ]);
    const second = sipText(['INVITE sip:joe@example.com SIP/2.0', 'Content-Length: 0']);
    const m = parseMessage(Buffer.concat([first, second])) as SipRequest;
    expect(m.method).toBe('REGISTER');
    expect(m.body.length).toBe(0);
    expect(m.raw!.equals(first)).toBe(true);
  });

  it('3.1.1.12 unreason + 3.1.1.13 noreason: UTF-8 and empty reason phrases', () => {
    const hdrs = ['Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923', 'Call-ID: unreason.1234ksdfak3j2erwedfsASdf', 'CSeq: 35 INVITE', 'From: sip:user@example.com;tag=11141343', 'To: sip:user@example.edu;tag=2229', 'Content-Length: 0'];
    const a = parseMessage(sipText(['SIP/2.0 200 = 2**3 * 5**2 но сто девяносто девять - простое', ...hdrs])) as SipResponse;
    expect(a.status).toBe(200);
    expect(a.reason).toBe('= 2**3 * 5**2 но сто девяносто девять - простое');
    const b = parseMessage(sipText(['SIP/2.0 100 ', ...hdrs])) as SipResponse;
    expect(b.status).toBe(100);
    expect(b.reason).toBe('');
  });
});

const BASE = [
  'Via: SIP/2.0/UDP 192.0.2.15;branch=z9hG4bKkdjuw',
  'To: <sip:user@example.com>',
  'From: <sip:caller@example.com>;tag=98asjd8',
  'Max-Forwards: 70',
  'Call-ID: bad.1@192.0.2.15',
];

describe('RFC 4475 §3.1.2 invalid messages', () => {
  const cases: Array<[string, string[], string, number?]> = [
    ['3.1.2.1 badinv01 extraneous Via separators', ['INVITE sip:user@example.com SIP/2.0', 'Via: SIP/2.0/UDP 192.0.2.15;;,;,,', ...BASE.slice(1), 'CSeq: 1 INVITE', 'Content-Length: 0'], 'Bad Via header'],
    ['3.1.2.2 clerr Content-Length larger than message', ['INVITE sip:user@example.com SIP/2.0', ...BASE, 'CSeq: 1 INVITE', 'Content-Length: 9999'], 'Content-Length larger than message'],
    ['3.1.2.3 ncl negative Content-Length', ['INVITE sip:user@example.com SIP/2.0', ...BASE, 'CSeq: 1 INVITE', 'Content-Length: -999'], 'Bad Content-Length'],
    ['3.1.2.4 scalar02 overlarge CSeq', ['REGISTER sip:example.com SIP/2.0', ...BASE, 'CSeq: 36893488147419103232 REGISTER', 'Content-Length: 0'], 'Bad CSeq header'],
    ['3.1.2.4 scalar02 overlarge Max-Forwards', ['REGISTER sip:example.com SIP/2.0', ...BASE.slice(0, 3), 'Max-Forwards: 300', 'Call-ID: x', 'CSeq: 1 REGISTER', 'Content-Length: 0'], 'Bad Max-Forwards header'],
    ['3.1.2.6 quotbal unterminated quoted display name', ['INVITE sip:user@example.com SIP/2.0', BASE[0]!, 'To: "Mr. J. User <sip:j.user@example.com>', ...BASE.slice(2), 'CSeq: 1 INVITE', 'Content-Length: 0'], 'Bad To header'],
    ['3.1.2.7 ltgtruri <> around Request-URI', ['INVITE <sip:user@example.com> SIP/2.0', ...BASE, 'CSeq: 1 INVITE', 'Content-Length: 0'], 'Bad Request-URI'],
    ['3.1.2.8 lwsruri LWS inside Request-URI', ['INVITE sip:user@example.com; lr SIP/2.0', ...BASE, 'CSeq: 1 INVITE', 'Content-Length: 0'], 'Bad Request-Line'],
    ['3.1.2.9 lwsstart multiple SP in request line', ['INVITE  sip:user@example.com  SIP/2.0', ...BASE, 'CSeq: 1 INVITE', 'Content-Length: 0'], 'Bad Request-Line'],
    ['3.1.2.11 escruri headers in Request-URI', ['INVITE sip:user@example.com?Route=%3Csip:example.com%3E SIP/2.0', ...BASE, 'CSeq: 1 INVITE', 'Content-Length: 0'], 'Bad Request-URI'],
    ['3.1.2.13 regbadct Contact addr-spec with ?', ['REGISTER sip:example.com SIP/2.0', ...BASE, 'CSeq: 1 REGISTER', 'Contact: sip:user@example.com?Route=%3Csip:sip.example.com%3E', 'Content-Length: 0'], 'Bad Contact header'],
    ['3.1.2.14 badaspec spaces within addr-spec', ['OPTIONS sip:user@example.org SIP/2.0', BASE[0]!, 'To: "Watson, Thomas" < sip:t.watson@example.org >', ...BASE.slice(2), 'CSeq: 1 OPTIONS', 'Content-Length: 0'], 'Bad To header'],
    ['3.1.2.15 baddn non-token display name', ['OPTIONS sip:user@example.org SIP/2.0', BASE[0]!, BASE[1]!, 'From: Bell, Alexander <sip:a.g.bell@example.com>;tag=43', ...BASE.slice(3), 'CSeq: 1 OPTIONS', 'Content-Length: 0'], 'Bad From header'],
    ['3.1.2.16 badvers unknown protocol version', ['OPTIONS sip:t.watson@example.org SIP/7.0', ...BASE, 'CSeq: 1 OPTIONS', 'Content-Length: 0'], 'Version Not Supported', 505],
    ['3.1.2.17 mismatch01 CSeq method mismatch', ['OPTIONS sip:user@example.com SIP/2.0', ...BASE, 'CSeq: 1 INVITE', 'Content-Length: 0'], 'CSeq method does not match request method'],
    ['3.1.2.18 mismatch02 unknown method, CSeq mismatch', ['NEWMETHOD sip:user@example.com SIP/2.0', ...BASE, 'CSeq: 1 INVITE', 'Content-Length: 0'], 'CSeq method does not match request method'],
  ];
  for (const [name, lines, reason, status] of cases) {
    it(`${name} → ${status ?? 400} ${reason}`, () => {
      const err = parseError(sipText(lines));
      expect(err.code).toBe('PBX_ERR_SIP_PARSE');
      expect(err.answerable).toBe(true);
      expect(err.status).toBe(status ?? 400);
      expect(err.reason).toBe(reason);
      expect(err.partial?.get('call-id')).toBeDefined();
    });
  }

  it('3.2.2 unkscm: unknown Request-URI scheme → 416; 3.2.3 novelsc: novel schemes in From/To are fine', () => {
    const err = parseError(sipText(['OPTIONS nobodyKnowsThisScheme:totallyopaquecontent SIP/2.0', ...BASE, 'CSeq: 1 OPTIONS', 'Content-Length: 0']));
    expect([err.status, err.reason, err.answerable]).toEqual([416, 'Unsupported URI Scheme', true]);
    const ok = parseMessage(
      sipText(['OPTIONS sip:user@example.com SIP/2.0', BASE[0]!, 'To: <soap.beep://192.0.2.103:3002>', 'From: <soap.beep://192.0.2.103:3002>;tag=1', 'Call-ID: novelsc', 'CSeq: 1 OPTIONS', 'Content-Length: 0']),
    );
    expect(parseNameAddr(ok.get('to')!).uri).toBe('soap.beep://192.0.2.103:3002');
    expect((parseMessage(sipText(['INVITE tel:+1-201-555-0123 SIP/2.0', ...BASE, 'CSeq: 1 INVITE', 'Content-Length: 0'])) as SipRequest).uri).toBe('tel:+1-201-555-0123');
  });

  it('3.3.5 bext01 → 420 Bad Extension with Unsupported; 3.3.7 unksm parses (the registrar answers it 401 Digest)', () => {
    const req = parseMessage(
      sipText(['OPTIONS sip:user@example.com SIP/2.0', ...BASE, 'Require: nothingSupportsThis, nothingSupportsThisEither', 'CSeq: 8 OPTIONS', 'Content-Length: 0']),
    ) as SipRequest;
    // The server answers OPTIONS itself only for auto-respond; that answer applies the Require check.
    const policy = createPolicy(compilePolicy({ optionsAutoRespond: ['probe'] }))!;
    const probe = {
      method: req.method,
      get: (n: string) => (n.toLowerCase() === 'user-agent' ? 'probe' : req.get(n)),
      getAll: (n: string) => req.getAll(n),
    };
    expect(policy(probe)).toEqual({ status: 420, reason: 'Bad Extension', headers: { Unsupported: 'nothingSupportsThis, nothingSupportsThisEither' } });
    const plain = { method: 'OPTIONS', get: (n: string) => (n.toLowerCase() === 'user-agent' ? 'probe' : undefined) };
    expect(policy(plain)).toMatchObject({ status: 200 });
    const unksm = parseMessage(
      sipText(['REGISTER sip:example.com SIP/2.0', ...BASE, 'Authorization: NoOneKnowsThisScheme opaque-data=here', 'CSeq: 8 REGISTER', 'Content-Length: 0']),
    ) as SipRequest;
    expect(unksm.get('authorization')).toBe('NoOneKnowsThisScheme opaque-data=here');
  });

  it('3.2.8 multi01 / 3.2.9 mcl01: repeated single-value headers → 400', () => {
    const multi = parseError(sipText(['INVITE sip:user@company.com SIP/2.0', ...BASE, 'To: <sip:other@example.net>', 'CSeq: 1 INVITE', 'Content-Length: 0']));
    expect([multi.status, multi.reason]).toEqual([400, 'Multiple to headers']);
    const mcl = parseError(sipText(['OPTIONS sip:user@example.com SIP/2.0', ...BASE, 'CSeq: 1 OPTIONS', 'Content-Length: 0', 'l: 0']));
    expect(mcl.reason).toBe('Multiple content-length headers');
  });

  it('3.2.15 inv2543: an RFC 2543 request without branch is accepted', () => {
    const m = parseMessage(sipText(['INVITE sip:UserB@example.com SIP/2.0', 'Via: SIP/2.0/UDP 192.0.2.15', 'From: <sip:UserA@example.com>', 'To: <sip:UserB@example.com>', 'Call-ID: inv2543.1717@example.com', 'CSeq: 1 INVITE', 'Content-Length: 0']));
    expect(parseVia(m.get('via')!).branch).toBeUndefined();
  });

  it('3.1.2.5 scalarlg / 3.1.2.19 bigcode: bad responses are unanswerable (dropped)', () => {
    const big = parseError(sipText(['SIP/2.0 4294967301 better not break the receiver', ...BASE, 'CSeq: 1 INVITE', 'Content-Length: 0']));
    expect(big.answerable).toBe(false);
    const lg = parseError(sipText(['SIP/2.0 503 Service Unavailable', ...BASE, 'CSeq: 36893488147419103232 INVITE', 'Content-Length: 0']));
    expect(lg.answerable).toBe(false);
  });

  it('garbage, missing mandatory headers and ACKs are not answerable', () => {
    expect(parseError(Buffer.from('hello world\r\n\r\n')).answerable).toBe(false);
    expect(parseError(Buffer.from('\r\n\r\n')).answerable).toBe(false);
    const noCallId = parseError(sipText(['INVITE sip:a@b SIP/2.0', BASE[0]!, BASE[1]!, BASE[2]!, 'CSeq: 1 INVITE', 'Content-Length: 0']));
    expect(noCallId.answerable).toBe(false);
    expect(noCallId.reason).toBe('Missing call-id header');
    const ack = parseError(sipText(['ACK sip:user@example.com SIP/2.0', ...BASE, 'CSeq: 1 INVITE', 'Content-Length: 0']));
    expect(ack.answerable).toBe(false);
  });

  it('a stream message without Content-Length is rejected', () => {
    const err = (() => {
      try {
        parseMessage(sipText(['OPTIONS sip:a@b SIP/2.0', ...BASE, 'CSeq: 1 OPTIONS']), { stream: true });
      } catch (e) {
        return e as SipParseError;
      }
      throw new Error('no error');
    })();
    expect(err.reason).toBe('Missing Content-Length');
  });
});
