/** Shared transport-level types (RFC 3261 §18). */

/** SIP transports this stack speaks. */
export type TransportProtocol = 'udp' | 'tcp';

/** A configured listening point. */
export interface ListenContact {
  protocol: TransportProtocol;
  /** Bind address: an IPv4/IPv6 literal, `0.0.0.0`/`::` for all. */
  host: string;
  /** Port; 0 = ephemeral (tests). */
  port: number;
  /** Address advertised in Via/Contact instead of the bound one (NAT). */
  external?: string;
}

/** A listening point after binding. */
export interface BoundContact {
  readonly id: string;
  readonly protocol: TransportProtocol;
  /** Bind address as configured. */
  readonly host: string;
  /** Actual bound port. */
  readonly port: number;
  readonly family: 4 | 6;
  readonly external?: string;
  /** Host to write into Via sent-by / Contact: `external`, else the bound address, else a local interface address for wildcards. */
  readonly advertisedHost: string;
}

/** A TCP connection (incoming or outgoing). */
export interface SipConnection {
  readonly id: string;
  readonly protocol: 'tcp';
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  readonly closed: boolean;
  /** Writes bytes; false when the connection is closed. */
  send(data: Buffer): boolean;
  /** Ends the connection gracefully. */
  close(): void;
}

/** Where a received message came from. */
export interface MessageSource {
  readonly protocol: TransportProtocol;
  /** Remote IP (IPv4-mapped IPv6 addresses are unmapped). */
  readonly address: string;
  readonly port: number;
  /** The listening point / socket it arrived on. */
  readonly local: BoundContact;
  /** For TCP: the connection it arrived on. */
  readonly connection?: SipConnection;
}

/** Where to send a message. */
export interface Destination {
  protocol: TransportProtocol;
  /** IP literal (no brackets). */
  address: string;
  port: number;
  /** Reuse this connection (TCP) when still open. */
  connection?: SipConnection;
  /** Send from this listening point; chosen automatically when absent. */
  local?: BoundContact;
}

/** What was actually sent, for `Msg sent:` echoes and logs. */
export interface SentInfo {
  readonly data: Buffer;
  readonly destination: Destination;
  /** Listening point used (its advertised host/port describe the local side). */
  readonly local: BoundContact;
  readonly connection?: SipConnection;
}
