import type { TestSipMessage } from './test-sip-message.js';

/**
 * A SIP message from test text: `\n` line ends become CRLF, each line is
 * trimmed, and Content-Length is computed from `body` (RFC 3261 §7.5, §20.14).
 */
export function sipText(text: string, body = ''): string {
  const head = text.trim().split('\n').map((l) => l.trim()).join('\r\n');
  return `${head}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** Builds a response to `req` as a UA would (copies Via/From/To/Call-ID/CSeq, adds a To tag; RFC 3261 §8.2.6.2). */
export function answer(req: TestSipMessage, status: number, reason: string, toTag: string, extra: string[] = []): string {
  const lines = [`SIP/2.0 ${status} ${reason}`];
  for (const v of req.getAll('via')) lines.push(`Via: ${v}`);
  lines.push(`From: ${req.get('from')}`);
  const to = req.get('to') ?? '';
  lines.push(`To: ${/;tag=/.test(to) ? to : `${to};tag=${toTag}`}`);
  lines.push(`Call-ID: ${req.get('call-id')}`);
  lines.push(`CSeq: ${req.get('cseq')}`);
  lines.push(...extra);
  return lines.join('\n');
}

/** A minimal audio offer/answer (PCMU on 127.0.0.1:10000). */
export const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 10000 RTP/AVP 0\r\n';
