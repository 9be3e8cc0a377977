/** One codec line of a test SDP. */
export interface SdpCodec {
  readonly pt: number;
  readonly name: string;
  readonly rate?: number;
}

export const PCMU: SdpCodec = { pt: 0, name: 'PCMU' };
export const G722: SdpCodec = { pt: 9, name: 'G722' };
export const TELEPHONE_EVENT: SdpCodec = { pt: 101, name: 'telephone-event' };

/** A minimal audio SDP (RFC 8866) for a test endpoint on 127.0.0.1. */
export function audioSdp(port: number, codecs: readonly SdpCodec[]): string {
  const lines = [
    'v=0',
    `o=- ${Date.now()} 1 IN IP4 127.0.0.1`,
    's=test',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${port} RTP/AVP ${codecs.map((c) => c.pt).join(' ')}`,
    ...codecs.map((c) => `a=rtpmap:${c.pt} ${c.name}/${c.rate ?? 8000}`),
    ...(codecs.some((c) => c.name === 'telephone-event') ? ['a=fmtp:101 0-16'] : []),
    'a=sendrecv',
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/** The port of the first `m=audio` line. */
export function sdpPort(sdp: string): number {
  const m = /^m=audio (\d+) /m.exec(sdp);
  if (!m) throw new Error(`no m=audio line in ${sdp}`);
  return Number(m[1]);
}

/** Codec name → payload type, from the `a=rtpmap` lines. */
export function sdpCodecs(sdp: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of sdp.matchAll(/^a=rtpmap:(\d+) ([^/\r\n]+)\//gm)) out.set(m[2]!.toUpperCase(), Number(m[1]));
  return out;
}
