/**
 * Fixed ports for tests that need them (SIPp cannot report an ephemeral
 * port). Each conformance file owns one block of 20 ports inside the
 * package's range 24000–25999; blocks never overlap, so files can run in
 * parallel. Layout of a block starting at `b`:
 *
 * ```
 *   b+0  admin (drachtio protocol)     b+1  SIP (udp+tcp)
 *   b+2…b+5  SIPp signalling ports     b+6…b+17  SIPp media (-mp binds 4 ports: audio + video RTP/RTCP)
 * ```
 */
export interface PortBlock {
  readonly admin: number;
  readonly sip: number;
  /** SIPp signalling port `i` (0–3). */
  sipp(i: number): number;
  /** SIPp media base port `i`; three distinct slots (0–2), `i` wraps for runs that are never concurrent. */
  media(i: number): number;
}

export const PORT_BLOCKS = {
  uas: 24200,
  uac: 24220,
  cancel: 24240,
  inDialog: 24260,
  b2bua: 24280,
  loss: 24300,
  policy: 24320,
  tcp: 24340,
  multiApp: 24360,
  errors: 24380,
  torture: 24400,
  srfCli: 24420,
  proxy: 24440,
  tcpReuse: 24460,
  appFrames: 24480,
  ackTimeout: 24500,
  prack: 24520,
  ipv6: 24540,
  memory: 24560,
} as const;

export function portBlock(name: keyof typeof PORT_BLOCKS): PortBlock {
  const b = PORT_BLOCKS[name];
  return Object.freeze({
    admin: b,
    sip: b + 1,
    sipp: (i: number) => b + 2 + i,
    media: (i: number) => b + 6 + 4 * (i % 3),
  });
}
