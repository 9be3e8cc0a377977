/** Transports a contact can be reached over. */
export const SIP_TRANSPORTS = ['udp', 'tcp', 'tls', 'ws', 'wss'] as const;
export type SipTransport = (typeof SIP_TRANSPORTS)[number];

/** Where a REGISTER came from: the address to send requests to when the UA is behind NAT. */
export interface ContactSource {
  readonly ip: string;
  readonly port: number;
  readonly transport: SipTransport;
}

/** One registered contact of an extension, as the registrar stores it (docs/contract.md §1.3). */
export interface ContactBinding {
  /** The Contact URI; it identifies the binding (RFC 3261 §10.3 step 6). */
  readonly uri: string;
  readonly source: ContactSource;
  readonly callId: string;
  readonly cseq?: number;
  readonly userAgent?: string;
  /** The dialplan that applies to calls from this contact (from the RegHook or client config). */
  readonly dialplan?: Readonly<Record<string, unknown>>;
  readonly codecs?: readonly string[];
}

/** A contact read back, with its expiry. */
export interface StoredContact extends ContactBinding {
  /** `sip:ip:port[;transport=…]`, the next hop to reach the contact (docs/contract.md §1.3 `proxy`). */
  readonly proxy: string;
  /** Expiry in ms since the epoch (Redis server clock). */
  readonly expiresAt: number;
  /** Whole seconds left, at least 1: the value for `;expires=` in a 200 OK (RFC 3261 §10.3 step 8). */
  readonly expiresIn: number;
}

/** The outcome of adding a contact. */
export interface AddContactResult {
  /** All current contacts of the extension, soonest expiry first, including the new one. */
  readonly contacts: readonly StoredContact[];
  /** URIs of contacts evicted to stay within `maxClients`, oldest first. */
  readonly evicted: readonly string[];
}

/** The outcome of {@link ContactStore.bind}. */
export interface BindContactResult extends AddContactResult {
  /** Whether a live contact with this URI existed before. */
  readonly known: boolean;
  /**
   * False when the stored contact had the same `callId` and a `cseq` at or above
   * the binding's: nothing was written and nothing evicted.
   */
  readonly applied: boolean;
}

/** `sip:ip:port` for the source, bracketing IPv6 and naming non-UDP transports. */
export function proxyUri(source: ContactSource): string {
  const host = source.ip.includes(':') ? `[${source.ip}]` : source.ip;
  return `sip:${host}:${source.port}${source.transport === 'udp' ? '' : `;transport=${source.transport}`}`;
}
