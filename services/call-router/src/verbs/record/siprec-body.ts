import { randomBytes, randomUUID } from 'node:crypto';

/** One recorded stream: which participant sends it and the SDP `a=label` of its m= line (RFC 7866 §8.1.1). */
export interface RecordedStream {
  /** `a` (the caller) or `b` (the answered callee). */
  readonly leg: 'a' | 'b';
  readonly label: string;
}

/** A participant of the recorded call (RFC 7865 §6.5). */
export interface RecordedParticipant {
  /** Its address of record, a SIP URI. */
  readonly aor: string;
  readonly name?: string;
}

/** Everything the rs-metadata document says about one recording session. */
export interface SiprecMetadata {
  /** The Call-ID of the recorded call (the CS's `sipSessionID`, RFC 7865 §6.3). */
  readonly callId: string;
  readonly startedAt: Date;
  readonly caller: RecordedParticipant;
  readonly callee: RecordedParticipant;
  readonly streams: readonly RecordedStream[];
  /** `metadata.session` of the verb: extension data of the session element. */
  readonly session?: Readonly<Record<string, unknown>>;
}

/** RFC 7865 §6.1 namespace. */
const RECORDING_NS = 'urn:ietf:params:xml:ns:recording:1';
/** Our own namespace for the script's `metadata.session` fields (RFC 7865 §7: extension data). */
const DRAGON_NS = 'urn:dragonpbx:params:xml:ns:recording:1';

/** XML 1.0 escaping of text and attribute values; characters XML 1.0 forbids are dropped. */
export function xmlEscape(value: string): string {
  return value
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** An RFC 7865 §6.9 identifier: a 128-bit UUID, base64url-encoded. */
export function metadataId(): string {
  return Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
}

/** A field value as text: strings as they are, anything else as JSON. */
function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? '';
}

/**
 * The `application/rs-metadata+xml` document (RFC 7865, RFC 7866 §6.1) of a new recording
 * session: one group, one communication session, the caller and the callee as participants,
 * one stream per recorded leg, and each participant's send/recv streams.
 */
export function buildMetadata(m: SiprecMetadata, ids: () => string = metadataId): string {
  const at = m.startedAt.toISOString();
  const group = ids();
  const session = ids();
  const streamIds = new Map(m.streams.map((s) => [s.leg, ids()] as const));
  const parties = [
    { leg: 'a' as const, id: ids(), p: m.caller },
    { leg: 'b' as const, id: ids(), p: m.callee },
  ];
  const lines: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<recording xmlns="${RECORDING_NS}">`,
    '  <datamode>complete</datamode>',
    `  <group group_id="${group}">`,
    `    <associate-time>${at}</associate-time>`,
    '  </group>',
    `  <session session_id="${session}">`,
    `    <group-ref>${group}</group-ref>`,
    `    <sipSessionID>${xmlEscape(m.callId)}</sipSessionID>`,
    `    <start-time>${at}</start-time>`,
  ];
  const fields = Object.entries(m.session ?? {});
  if (fields.length > 0) {
    lines.push(`    <extensiondata xmlns="${DRAGON_NS}">`);
    for (const [name, value] of fields) lines.push(`      <field name="${xmlEscape(name)}">${xmlEscape(text(value))}</field>`);
    lines.push('    </extensiondata>');
  }
  lines.push('  </session>');
  for (const { id, p } of parties) {
    lines.push(`  <participant participant_id="${id}">`);
    if (p.name !== undefined && p.name !== '') {
      lines.push(`    <nameID aor="${xmlEscape(p.aor)}">`, `      <name>${xmlEscape(p.name)}</name>`, '    </nameID>');
    } else {
      lines.push(`    <nameID aor="${xmlEscape(p.aor)}"/>`);
    }
    lines.push('  </participant>');
  }
  for (const s of m.streams) {
    lines.push(`  <stream stream_id="${streamIds.get(s.leg)}" session_id="${session}">`, `    <label>${xmlEscape(s.label)}</label>`, '  </stream>');
  }
  lines.push(`  <sessionrecordingassoc session_id="${session}">`, `    <associate-time>${at}</associate-time>`, '  </sessionrecordingassoc>');
  for (const { id } of parties) {
    lines.push(`  <participantsessionassoc participant_id="${id}" session_id="${session}">`, `    <associate-time>${at}</associate-time>`, '  </participantsessionassoc>');
  }
  for (const { leg, id } of parties) {
    const sends = streamIds.get(leg);
    // Each party hears what the other sends (a two-party call).
    const hears = streamIds.get(leg === 'a' ? 'b' : 'a');
    if (sends === undefined && hears === undefined) continue;
    lines.push(`  <participantstreamassoc participant_id="${id}">`);
    if (sends !== undefined) lines.push(`    <send>${sends}</send>`);
    if (hears !== undefined) lines.push(`    <recv>${hears}</recv>`);
    lines.push('  </participantstreamassoc>');
  }
  lines.push('</recording>');
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * Gives each m= section of `sdp` an `a=label` (RFC 4574) and makes it `sendonly` (the SRC
 * only sends, RFC 7866 §8.1.1), keeping a label the engine already put there. Returns the
 * SDP and the labels in m= line order.
 */
export function labelStreams(sdp: string): { sdp: string; labels: string[] } {
  const lines = sdp.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const sections: string[][] = [[]];
  for (const line of lines) {
    if (line.startsWith('m=')) sections.push([]);
    sections.at(-1)!.push(line);
  }
  const labels: string[] = [];
  const out = [...sections[0]!];
  sections.slice(1).forEach((section, i) => {
    const existing = section.find((l) => l.startsWith('a=label:'));
    const label = existing?.slice('a=label:'.length).trim() || String(i + 1);
    labels.push(label);
    const body = section.filter((l) => !/^a=(sendrecv|recvonly|inactive)$/.test(l));
    if (!body.includes('a=sendonly')) body.push('a=sendonly');
    if (existing === undefined) body.push(`a=label:${label}`);
    out.push(...body);
  });
  return { sdp: `${out.join('\r\n')}\r\n`, labels };
}

/** A `multipart/mixed` body (RFC 2046 §5.1.1) and its Content-Type header value. */
export interface MultipartBody {
  readonly contentType: string;
  readonly body: string;
}

/** The SIPREC INVITE's body (RFC 7866 §9.1): the SDP offer, then the metadata with `Content-Disposition: recording-session`. */
export function buildSiprecBody(sdp: string, metadataXml: string, boundary = `dragon-${randomBytes(8).toString('hex')}`): MultipartBody {
  const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n').replace(/(\r\n)?$/, '\r\n');
  const body = [
    `--${boundary}`,
    'Content-Type: application/sdp',
    '',
    crlf(sdp),
    `--${boundary}`,
    'Content-Type: application/rs-metadata+xml',
    'Content-Disposition: recording-session',
    '',
    crlf(metadataXml),
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return { contentType: `multipart/mixed;boundary=${boundary}`, body };
}

/**
 * The SDP of an SRS's answer: the body itself when it is `application/sdp` (or has no type), the
 * `application/sdp` part of a `multipart/mixed` one; `undefined` when there is none.
 */
export function sdpOfAnswer(body: string, contentType: string | undefined): string | undefined {
  // Without a Content-Type, a body opening with a delimiter line is taken as multipart.
  const delimiter = /^--([^\s]+)\r?\n/.exec(body.trimStart())?.[1];
  const declared = contentType ?? (delimiter === undefined ? 'application/sdp' : `multipart/mixed;boundary=${delimiter}`);
  const type = declared.toLowerCase();
  if (type.startsWith('application/sdp')) return body.trim() === '' ? undefined : body;
  if (!type.startsWith('multipart/')) return undefined;
  const boundary = /boundary="?([^";]+)"?/i.exec(declared)?.[1];
  if (boundary === undefined) return undefined;
  for (const part of body.split(`--${boundary}`)) {
    const split = part.search(/\r?\n\r?\n/);
    if (split < 0) continue;
    const headers = part.slice(0, split);
    if (!/content-type:\s*application\/sdp/i.test(headers)) continue;
    const sdp = part.slice(split).replace(/^\r?\n\r?\n/, '').replace(/\r?\n$/, '');
    return sdp.trim() === '' ? undefined : `${sdp.replace(/\r?\n$/, '')}\r\n`;
  }
  return undefined;
}

/**
 * The From header of the INVITE to the SRS (docs/contract.md §4.5 `from`): a bare user becomes
 * `sip:user@<domain>`, a URI is put in angle brackets, a name-addr is kept; `undefined` keeps
 * the SIP server's default.
 */
export function siprecFrom(from: string | undefined, domain: string): string | undefined {
  if (from === undefined) return undefined;
  const value = from.trim();
  if (value.includes('<')) return value;
  if (/^sips?:/i.test(value)) return `<${value}>`;
  return `<sip:${value}@${domain}>`;
}
