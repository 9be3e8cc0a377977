/** Builds a CRLF message from lines, computing Content-Length when `{cl}` is used. */
export function sipText(lines: string[], body = ''): Buffer {
  const bodyBuf = Buffer.from(body, 'utf8');
  const head = lines.map((l) => l.replace('{cl}', String(bodyBuf.length))).join('\r\n');
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'utf8'), bodyBuf]);
}

/** A plain valid INVITE. */
export function basicInvite(extra: string[] = [], body = ''): Buffer {
  return sipText(
    [
      'INVITE sip:bob@example.com SIP/2.0',
      'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds',
      'Max-Forwards: 70',
      'To: Bob <sip:bob@example.com>',
      'From: Alice <sip:alice@example.com>;tag=1928301774',
      'Call-ID: a84b4c76e66710@pc33.example.com',
      'CSeq: 314159 INVITE',
      'Contact: <sip:alice@pc33.example.com>',
      ...extra,
      'Content-Length: {cl}',
    ],
    body,
  );
}
