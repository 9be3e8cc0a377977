import { PBX_ERR_SDP_INVALID } from '../call-router-errors.js';

/** One `m=` section of an SDP (RFC 4566 §5.14). */
export interface SdpMedia {
  readonly kind: string;
  readonly port: number;
  /** Codec names, upper case (`PCMU`, `TELEPHONE-EVENT`…), in the offer's order. */
  readonly codecs: readonly string[];
}

/** What the call-router reads of an SDP body. */
export interface SdpSummary {
  readonly media: readonly SdpMedia[];
}

/** RFC 3551 §6 static payload types, for `m=` formats without an `a=rtpmap`. */
const STATIC_PT: Readonly<Record<string, string>> = {
  '0': 'PCMU',
  '3': 'GSM',
  '4': 'G723',
  '8': 'PCMA',
  '9': 'G722',
  '13': 'CN',
  '18': 'G729',
};

const M_LINE = /^m=([a-z0-9_-]+) (\d{1,5})(?:\/\d+)? ([A-Za-z0-9/._-]+)((?: [^ ]+)+)$/i;
const RTPMAP = /^a=rtpmap:(\d{1,3}) ([^/\s]+)\//i;
const SDP_LINE = /^[a-z]=/;

/**
 * Reads an SDP body strictly enough to refuse garbage before any leg is
 * called: `v=0` first (RFC 4566 §5), every line `<type>=<value>`, at least one
 * well-formed `m=` line, a connection address (`c=`) at session level or in
 * every media section. Throws `PBX_ERR_SDP_INVALID` saying what is wrong.
 */
export function readSdp(body: string): SdpSummary {
  const lines = body.split(/\r?\n/).filter((l) => l !== '');
  if (lines[0]?.trim() !== 'v=0') throw new PBX_ERR_SDP_INVALID('does not start with v=0');
  const bad = lines.find((l) => !SDP_LINE.test(l));
  if (bad !== undefined) throw new PBX_ERR_SDP_INVALID(`unreadable line "${bad.slice(0, 40)}"`);
  let sessionConnection = false;
  const sections: { kind: string; port: number; formats: string[]; rtpmap: Map<string, string>; connection: boolean }[] = [];
  for (const line of lines) {
    if (line.startsWith('m=')) {
      const m = M_LINE.exec(line.trim());
      if (m === null) throw new PBX_ERR_SDP_INVALID(`malformed media line "${line.slice(0, 40)}"`);
      sections.push({ kind: m[1]!.toLowerCase(), port: Number(m[2]), formats: m[4]!.trim().split(' '), rtpmap: new Map(), connection: false });
      continue;
    }
    const current = sections.at(-1);
    if (line.startsWith('c=')) {
      if (!/^c=IN IP[46] \S+/.test(line)) throw new PBX_ERR_SDP_INVALID(`malformed connection line "${line.slice(0, 40)}"`);
      if (current === undefined) sessionConnection = true;
      else current.connection = true;
      continue;
    }
    const map = RTPMAP.exec(line);
    if (map !== null && current !== undefined) current.rtpmap.set(map[1]!, map[2]!.toUpperCase());
  }
  if (sections.length === 0) throw new PBX_ERR_SDP_INVALID('no media line (m=)');
  if (!sessionConnection && sections.some((s) => !s.connection && s.port !== 0)) throw new PBX_ERR_SDP_INVALID('no connection line (c=)');
  return {
    media: sections.map((s) => ({
      kind: s.kind,
      port: s.port,
      codecs: s.formats.map((f) => s.rtpmap.get(f) ?? STATIC_PT[f] ?? f.toUpperCase()),
    })),
  };
}

/** Codecs that carry no voice: an offer of only these cannot make a call. */
const NOT_VOICE = new Set(['TELEPHONE-EVENT', 'CN', 'RED', 'COMFORT-NOISE']);

/** The voice codecs of the active (`port != 0`) audio sections. */
export function audioCodecs(sdp: SdpSummary): string[] {
  const out: string[] = [];
  for (const m of sdp.media) {
    if (m.kind !== 'audio' || m.port === 0) continue;
    for (const c of m.codecs) if (!NOT_VOICE.has(c) && !out.includes(c)) out.push(c);
  }
  return out;
}
