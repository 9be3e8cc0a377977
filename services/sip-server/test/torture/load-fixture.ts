import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('./fixtures/', import.meta.url));

/**
 * Loads a retyped RFC 4475 message. Fixture conventions: LF line ends become
 * CRLF; `\xHH` stands for the byte HH (the RFC's <hex> notation, §2.2, for
 * NUL, BEL, UTF-8 and binary octets); `{cl}` is replaced by the body's length
 * in bytes (the body starts after the first empty line).
 */
export function loadFixture(name: string): Buffer {
  const text = readFileSync(`${DIR}${name}.sip`, 'utf8').replace(/\r?\n/g, '\r\n');
  const split = text.indexOf('\r\n\r\n');
  const head = split < 0 ? text : text.slice(0, split + 4);
  const body = split < 0 ? '' : text.slice(split + 4);
  const bodyBuf = decodeFixtureEscapes(body);
  return Buffer.concat([decodeFixtureEscapes(head.replace('{cl}', String(bodyBuf.length))), bodyBuf]);
}

function decodeFixtureEscapes(s: string): Buffer {
  const parts: Buffer[] = [];
  let last = 0;
  for (const m of s.matchAll(/\\x([0-9A-Fa-f]{2})/g)) {
    parts.push(Buffer.from(s.slice(last, m.index), 'utf8'), Buffer.from([Number.parseInt(m[1]!, 16)]));
    last = m.index! + m[0].length;
  }
  parts.push(Buffer.from(s.slice(last), 'utf8'));
  return Buffer.concat(parts);
}

/** The Call-ID of a fixture (full or compact form), for matching responses and deliveries. */
export function callIdOf(msg: Buffer): string | undefined {
  const m = /^(?:call-id|i)[ \t]*:[ \t]*(\S+)/im.exec(msg.toString('latin1'));
  return m?.[1];
}
