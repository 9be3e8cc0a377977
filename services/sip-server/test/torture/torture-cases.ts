/**
 * RFC 4475 §3.1.1 (valid) and §3.1.2 (invalid) messages (retyped into
 * `fixtures/*.sip`; where the RFC abbreviates long repeated strings with its
 * §2.3 notation, `longreq` expands them to comparable lengths) and what a
 * drachtio-style server must do with each when it arrives over UDP:
 *
 * - `handled`  a valid request: the application receives it, or the server answers it
 * - `survive`  a message the server may legitimately ignore (responses matching no
 *              transaction, methods no application can route): only liveness is checked
 * - `reject`   must not reach an application; answered 400 (or the listed codes) or dropped
 * - `lenient`  the RFC lets a robust element accept it; either outcome is fine
 * - `answer`   the RFC names the answer: that status, with the header value given
 */
export type TortureExpectation =
  | { kind: 'handled' }
  | { kind: 'survive' }
  | { kind: 'reject'; codes: readonly number[] }
  | { kind: 'lenient' }
  | { kind: 'answer'; status: number; header?: readonly [name: string, value: string] };

export interface TortureCase {
  readonly name: string;
  readonly section: string;
  readonly title: string;
  readonly expect: TortureExpectation;
}

const handled = { kind: 'handled' } as const;
const survive = { kind: 'survive' } as const;
const lenient = { kind: 'lenient' } as const;
const reject = (...codes: number[]) => ({ kind: 'reject', codes: codes.length ? codes : [400] }) as const;

// Observed: wsinv carries a To tag matching no dialog, so it is answered 481 (docs/drachtio-protocol.md §4.2);
// methods no application routes (intmeth, esc02) get 503; every `reject` case gets 400 (505 for
// badvers); lwsstart, escruri, regbadct, badaspec and baddn are rejected with 400 as well.
export const TORTURE_CASES: readonly TortureCase[] = [
  { name: 'wsinv', section: '3.1.1.1', title: 'A short tortuous INVITE', expect: handled },
  { name: 'intmeth', section: '3.1.1.2', title: 'Wide range of valid characters', expect: survive },
  { name: 'esc01', section: '3.1.1.3', title: 'Valid use of the % escaping mechanism', expect: handled },
  { name: 'escnull', section: '3.1.1.4', title: 'Escaped nulls in URIs', expect: handled },
  { name: 'esc02', section: '3.1.1.5', title: 'Use of % when it is not an escape', expect: survive },
  { name: 'lwsdisp', section: '3.1.1.6', title: 'Message with no LWS between display name and <', expect: handled },
  { name: 'longreq', section: '3.1.1.7', title: 'Long values in header fields', expect: handled },
  { name: 'dblreq', section: '3.1.1.8', title: 'Extra trailing octets in a UDP datagram', expect: handled },
  { name: 'semiuri', section: '3.1.1.9', title: 'Semicolon-separated parameters in URI user part', expect: handled },
  { name: 'transports', section: '3.1.1.10', title: 'Varied and unknown transport types', expect: handled },
  { name: 'mpart01', section: '3.1.1.11', title: 'Multipart MIME message', expect: handled },
  { name: 'unreason', section: '3.1.1.12', title: 'Unusual reason phrase', expect: survive },
  { name: 'noreason', section: '3.1.1.13', title: 'Empty reason phrase', expect: survive },
  { name: 'badinv01', section: '3.1.2.1', title: 'Extraneous header field separators', expect: reject() },
  { name: 'clerr', section: '3.1.2.2', title: 'Content length larger than message', expect: reject() },
  { name: 'ncl', section: '3.1.2.3', title: 'Negative Content-Length', expect: reject() },
  { name: 'scalar02', section: '3.1.2.4', title: 'Request scalar fields with overlarge values', expect: reject() },
  { name: 'scalarlg', section: '3.1.2.5', title: 'Response scalar fields with overlarge values', expect: survive },
  { name: 'quotbal', section: '3.1.2.6', title: 'Unterminated quoted string in display name', expect: reject() },
  { name: 'ltgtruri', section: '3.1.2.7', title: '<> enclosing Request-URI', expect: reject() },
  { name: 'lwsruri', section: '3.1.2.8', title: 'Malformed SIP Request-URI (embedded LWS)', expect: reject() },
  { name: 'lwsstart', section: '3.1.2.9', title: 'Multiple SP separating Request-Line elements', expect: lenient },
  { name: 'trws', section: '3.1.2.10', title: 'SP characters at end of Request-Line', expect: lenient },
  { name: 'escruri', section: '3.1.2.11', title: 'Escaped headers in SIP Request-URI', expect: lenient },
  { name: 'baddate', section: '3.1.2.12', title: 'Invalid time zone in Date header field', expect: lenient },
  { name: 'regbadct', section: '3.1.2.13', title: 'Failure to enclose name-addr URI in <>', expect: lenient },
  { name: 'badaspec', section: '3.1.2.14', title: 'Spaces within addr-spec', expect: lenient },
  { name: 'baddn', section: '3.1.2.15', title: 'Non-token characters in display name', expect: lenient },
  { name: 'badvers', section: '3.1.2.16', title: 'Unknown protocol version', expect: reject(400, 505) },
  { name: 'mismatch01', section: '3.1.2.17', title: 'Start line and CSeq method mismatch', expect: reject() },
  { name: 'mismatch02', section: '3.1.2.18', title: 'Unknown method with CSeq method mismatch', expect: reject(400, 501) },
  { name: 'bigcode', section: '3.1.2.19', title: 'Overlarge response code', expect: survive },
  // §3.3 (transaction layer and application semantics). The fixture's Via says UDP, as it is
  // sent here (the RFC's says TCP). RFC 3261 §8.2.2.3: 420 listing the required tags.
  {
    name: 'bext01',
    section: '3.3.5',
    title: 'Unknown Require option-tags',
    expect: { kind: 'answer', status: 420, header: ['unsupported', 'nothingSupportsThis, nothingSupportsThisEither'] },
  },
];
