/**
 * Parser for one complete SIP message (a UDP datagram, or one frame cut by
 * {@link SipStreamFramer}). The header section is decoded once and split into
 * lines; the body is a view into the input buffer (no copy). Validation is
 * limited to what the stack needs to route and answer a message, plus the
 * RFC 4475 §3.1.2 cases that must get 400.
 */
import { internHeaderName, knownHeaderName } from './compact-forms.js';
import { type CSeq, parseCSeq } from './cseq.js';
import { parseNameAddr } from './name-addr.js';
import { SipParseError } from './sip-parse-error.js';
import { SipRequest } from './sip-request.js';
import { SipResponse } from './sip-response.js';
import { parseUri } from './sip-uri.js';
import { splitHeaderValues } from './split-header-values.js';
import { parseVia } from './via.js';
import type { SipMessage } from './sip-message.js';

const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');
const LFLF = Buffer.from('\n\n', 'latin1');

export interface ParseOptions {
  /**
   * Whether the buffer came from a stream transport, where Content-Length is
   * mandatory (RFC 3261 §18.3, §20.14).
   * @defaultValue false
   */
  stream?: boolean;
}

/** Index just after the blank line ending the header section, and where it starts; -1 if none. */
export function findHeaderEnd(buf: Buffer, from = 0): { headEnd: number; bodyStart: number } | undefined {
  // Buffer needles: a string needle is converted to bytes on every call.
  const crlf = buf.indexOf(CRLFCRLF, from);
  // A bare-LF blank line only counts if it comes before the CRLF one (only scan that far).
  const lfScope = crlf >= 0 ? buf.subarray(0, crlf + 2) : buf;
  const lf = lfScope.indexOf(LFLF, from);
  if (lf >= 0) return { headEnd: lf, bodyStart: lf + 2 };
  if (crlf >= 0) return { headEnd: crlf, bodyStart: crlf + 4 };
  return undefined;
}

/** Parses one SIP message; throws {@link SipParseError}. */
export function parseMessage(buf: Buffer, options: ParseOptions = {}): SipMessage {
  let start = 0;
  // RFC 3261 §7.5: CRLFs before the start line are ignored.
  while (start < buf.length && (buf[start] === 0x0d || buf[start] === 0x0a)) start++;
  if (start >= buf.length) throw new SipParseError('empty message');
  const end = findHeaderEnd(buf, start);
  const headEnd = end ? end.headEnd : buf.length;
  const bodyStart = end ? end.bodyStart : buf.length;
  const lines = splitLines(buf.toString('utf8', start, headEnd));

  const first = lines[0]!;
  const { msg, error: startError } = parseStartLine(first.endsWith('\r') ? first.slice(0, -1) : first);
  let versionError = false;
  if (!startError && msg.version !== 'SIP/2.0') {
    if (!msg.isRequest) throw new SipParseError(`unsupported version ${msg.version}`);
    versionError = true;
  }
  const lineError = parseHeaderLines(lines, msg);

  const answerable =
    msg.isRequest &&
    (msg as SipRequest).method !== 'ACK' &&
    msg.has('via') &&
    msg.has('from') &&
    msg.has('to') &&
    msg.has('call-id') &&
    msg.has('cseq');
  const error = startError ?? lineError ?? (versionError ? 'Version Not Supported' : undefined);
  if (error) throw new SipParseError(error, { status: versionError ? 505 : 400, answerable, partial: msg });

  // Body and Content-Length (RFC 3261 §18.3, §20.14; RFC 4475 §3.1.2.2–3).
  const available = buf.length - bodyStart;
  const clText = msg.get('content-length');
  let length = available;
  let bad: string | undefined;
  if (clText !== undefined) {
    if (!/^\d{1,9}$/.test(clText)) bad = 'Bad Content-Length';
    else {
      length = Number(clText);
      if (length > available) bad = 'Content-Length larger than message';
    }
  } else if (options.stream) bad = 'Missing Content-Length';
  bad ??= validate(msg);
  if (bad) {
    const status = bad === UNSUPPORTED_SCHEME ? 416 : 400;
    throw new SipParseError(bad, { status, answerable, partial: msg });
  }
  msg.body = buf.subarray(bodyStart, bodyStart + length);
  msg.raw = start === 0 && length === available ? buf : buf.subarray(start, bodyStart + length);
  return msg;
}

function parseStartLine(line: string): { msg: SipMessage; error?: string } {
  if (line.startsWith('SIP/')) {
    // RFC 4475 §3.1.2.19: exactly three digits, then SP (or end) — never a longer number.
    const m = /^(SIP\/\d+\.\d+) (\d{3})(?: (.*))?$/.exec(line);
    if (!m) throw new SipParseError('bad status line');
    const status = Number(m[2]);
    if (status < 100 || status > 699) throw new SipParseError('bad status code');
    return { msg: new SipResponse(status, m[3] ?? '', m[1]!) };
  }
  // RFC 3261 §7.1: Method SP Request-URI SP SIP-Version — exactly single spaces
  // (RFC 4475 §3.1.2.8–9); trailing whitespace is tolerated (§3.1.2.10 allows it).
  // A bad request line is still answerable with 400 when the headers are usable.
  const parts = line.trimEnd().split(' ');
  const method = parts[0] ?? '';
  if (!TOKEN.test(method)) throw new SipParseError('bad request line');
  if (parts.length !== 3) return { msg: new SipRequest(method, parts[1] ?? ''), error: 'Bad Request-Line' };
  const [, uri, version] = parts as [string, string, string];
  if (!/^SIP\/\d+\.\d+$/.test(version) || !uri) return { msg: new SipRequest(method, uri), error: 'Bad Request-Line' };
  return { msg: new SipRequest(method, uri, version) };
}

/** Fills msg's headers; returns an error reason for a bad line (after adding what it could). */
function parseHeaderLines(lines: string[], msg: SipMessage): string | undefined {
  let error: string | undefined;
  let pendingName: string | undefined;
  let pendingValue = '';
  for (let i = 1; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.charCodeAt(line.length - 1) === 0x0d) line = line.slice(0, -1);
    const c = line.charCodeAt(0);
    if (c === 0x20 || c === 0x09) {
      // RFC 3261 §7.3.1: a folded continuation line is replaced by one SP.
      if (pendingName === undefined) error ??= 'continuation line without header';
      else pendingValue = `${pendingValue} ${line.trim()}`.trim();
      continue;
    }
    if (pendingName !== undefined) msg.append(pendingName, pendingValue);
    pendingName = undefined;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trimEnd() : '';
    // Names interned earlier were validated then; only new ones need the token check.
    let known = knownHeaderName(name);
    if (known === undefined) {
      if (!name || !TOKEN.test(name)) {
        error ??= `bad header line ${line.slice(0, 40)}`;
        continue;
      }
      known = internHeaderName(name);
    }
    pendingName = known;
    pendingValue = trimmedValue(line, colon + 1);
  }
  if (pendingName !== undefined) msg.append(pendingName, pendingValue);
  return error;
}

/**
 * Header lines without their line ends. CRLF (the norm) splits in one pass;
 * a bare LF anywhere falls back to LF splitting with one trailing CR removed
 * per line, which accepts both (RFC 3261 §7.5 robustness).
 */
function splitLines(head: string): string[] {
  const lines = head.split('\r\n');
  for (const l of lines) if (l.indexOf('\n') >= 0) return head.split('\n').map(stripCr);
  return lines;
}

function stripCr(line: string): string {
  return line.charCodeAt(line.length - 1) === 0x0d ? line.slice(0, -1) : line;
}

/** `line.slice(from).trim()` without the intermediate string (SP/HTAB ends; anything else goes through trim()). */
function trimmedValue(line: string, from: number): string {
  let s = from;
  let e = line.length;
  while (s < e && (line.charCodeAt(s) === 0x20 || line.charCodeAt(s) === 0x09)) s++;
  while (e > s && (line.charCodeAt(e - 1) === 0x20 || line.charCodeAt(e - 1) === 0x09)) e--;
  if (e > s && (line.charCodeAt(s) > 0x7e || line.charCodeAt(e - 1) > 0x7e || line.charCodeAt(s) < 0x20 || line.charCodeAt(e - 1) < 0x20)) {
    return line.slice(s, e).trim();
  }
  return line.slice(s, e);
}

/** Semantic checks the stack relies on; returns the 400 reason, if any. */
function validate(msg: SipMessage): string | undefined {
  for (const name of MANDATORY) if (!msg.has(name)) return `Missing ${name} header`;
  const keys = msg.headerKeys;
  const headers = msg.headers;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    // RFC 4475 §3.2.8–9: a single-value header field present more than once.
    if (SINGLE_VALUE.has(key)) {
      if (keys.indexOf(key) !== i) return `Multiple ${key} headers`;
      continue;
    }
    const h = headers[i]!;
    if (key === 'via') {
      // RFC 4475 §3.1.2.1: empty list elements like `;;,;,,` are malformed.
      if (EMPTY_ELEMENT.test(h.value)) return 'Bad Via header';
      if (h.value.indexOf(',') < 0) {
        // The common single-element line: the first one is parsed through the cache the stack reuses.
        if (!valid(keys.indexOf('via') === i ? msg.topVia.bind(msg) : parseVia, h.value)) return 'Bad Via header';
        continue;
      }
      for (const v of splitHeaderValues(h.value)) {
        if (!valid(parseVia, v)) return 'Bad Via header';
      }
    } else if (key === 'contact' && msg.isRequest) {
      for (const c of h.value.indexOf(',') >= 0 ? splitHeaderValues(h.value) : [h.value]) {
        let e: string | null | undefined;
        try {
          e = parseNameAddr(c).params.expires;
        } catch {
          return 'Bad Contact header';
        }
        if (e != null && !isUint32(e)) return 'Bad Contact expires';
      }
    }
  }
  let cseq: CSeq;
  try {
    cseq = parseCSeq(msg.get('cseq')!);
  } catch {
    return 'Bad CSeq header';
  }
  if (!valid(parseNameAddr, msg.get('from')!)) return 'Bad From header';
  if (!valid(parseNameAddr, msg.get('to')!)) return 'Bad To header';
  if (!msg.isRequest) return undefined;
  const req = msg as SipRequest;
  // RFC 4475 §3.1.2.17–18: CSeq method must match the request method.
  if (cseq.method !== req.method) return 'CSeq method does not match request method';
  try {
    // RFC 3261 §19.1.1: headers are not allowed in a Request-URI (RFC 4475 §3.1.2.11).
    const uri = parseUri(req.uri);
    if (uri.headers !== undefined) return 'Bad Request-URI';
    // RFC 3261 §8.2.2.1 / RFC 4475 §3.2.2: unknown Request-URI schemes get 416.
    if (!KNOWN_SCHEMES.has(uri.scheme)) return UNSUPPORTED_SCHEME;
  } catch {
    return 'Bad Request-URI';
  }
  const mf = msg.get('max-forwards');
  if (mf !== undefined && (!/^\d{1,9}$/.test(mf) || Number(mf) > 255)) return 'Bad Max-Forwards header';
  // RFC 4475 §3.1.2.4: overlarge Expires values.
  const expires = msg.get('expires');
  if (expires !== undefined && /^\d+$/.test(expires) && !isUint32(expires)) return 'Bad Expires header';
  return undefined;
}

const MANDATORY = ['via', 'from', 'to', 'call-id', 'cseq'];
const SINGLE_VALUE = new Set(['from', 'to', 'call-id', 'cseq', 'max-forwards', 'content-length']);
const KNOWN_SCHEMES = new Set(['sip', 'sips', 'tel']);
const UNSUPPORTED_SCHEME = 'Unsupported URI Scheme';
const EMPTY_ELEMENT = /,\s*,|,\s*$|^\s*,/;

function isUint32(s: string): boolean {
  return /^\d{1,10}$/.test(s) && Number(s) <= 2 ** 32 - 1;
}

function valid(parse: (v: string) => unknown, value: string): boolean {
  try {
    parse(value);
    return true;
  } catch {
    return false;
  }
}
