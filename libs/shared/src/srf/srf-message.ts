import type { EventEmitter } from 'node:events';

/** SIP methods drachtio-srf routes (RFC 3261 §7.1 plus extensions). */
export type SipMethod =
  | 'ACK'
  | 'BYE'
  | 'CANCEL'
  | 'INFO'
  | 'INVITE'
  | 'MESSAGE'
  | 'NOTIFY'
  | 'OPTIONS'
  | 'PRACK'
  | 'PUBLISH'
  | 'REFER'
  | 'REGISTER'
  | 'SUBSCRIBE'
  | 'UPDATE';

/** Header name → value as given to drachtio-srf (`X-` names keep their case). */
export type SrfHeaders = Record<string, string>;

/** A parsed name-addr (`From`, `To`, `Contact`, `Refer-To`…). */
export interface NameAddr {
  name?: string;
  uri: string;
  params: Record<string, string | null>;
}

/** One parsed `Via` hop. */
export interface ViaHop {
  version: string;
  protocol: string;
  host: string;
  port?: number | string;
  params: Record<string, string | null>;
}

/** A parsed SIP URI (`Srf.parseUri`). */
export interface ParsedSipUri {
  family?: 'ipv4' | 'ipv6';
  scheme: 'sip' | 'sips' | 'tel';
  user?: string;
  password?: string;
  host?: string;
  port?: number;
  params: Record<string, string | null>;
  headers: Record<string, string>;
}

/** The raw SIP message behind a request or response. */
export interface SipMessage {
  readonly type: 'request' | 'response';
  method?: string;
  uri?: string;
  status?: number;
  reason?: string;
  headers: Record<string, string>;
  body: string;
  /** Full message text (CRLF line ends). */
  readonly raw: string;
  get(name: string): string | undefined;
  has(name: string): boolean;
  set(name: string, value: string): void;
  getParsedHeader(name: 'via' | 'Via'): ViaHop[];
  getParsedHeader(name: 'contact' | 'Contact'): NameAddr[];
  getParsedHeader(name: string): NameAddr;
}

/** Members shared by requests and responses. */
export interface SrfMessageBase extends EventEmitter {
  /** The underlying message. */
  readonly msg: SipMessage;
  readonly type: 'request' | 'response';
  readonly headers: Record<string, string>;
  body: string;
  readonly raw: string;
  /**
   * The Call-ID header. drachtio-srf itself has no such property; the facade
   * (`srf.ts`) adds this getter to its Request and Response classes.
   */
  readonly callId: string;
  /** `network` for traffic from the wire, `application` for what this app sent. */
  readonly source: 'network' | 'application';
  readonly source_address: string;
  readonly source_port: number;
  /** `udp`, `tcp`, `tls`, `ws`, `wss`. */
  readonly protocol: string;
  readonly stackTime: string;
  get(name: string): string | undefined;
  has(name: string): boolean;
  set(name: string, value: string): void;
  getParsedHeader(name: 'via' | 'Via'): ViaHop[];
  getParsedHeader(name: 'contact' | 'Contact'): NameAddr[];
  getParsedHeader(name: string): NameAddr;
}

/** An incoming (or app-sent) SIP request. */
export interface SrfRequest extends SrfMessageBase {
  readonly method: SipMethod;
  readonly uri: string;
  /** User part of the Request-URI. */
  readonly calledNumber: string;
  /** User part of P-Asserted-Identity, else of From. */
  readonly callingNumber: string;
  /** Display name of P-Asserted-Identity, else of From. */
  readonly callingName: string;
  readonly isNewInvite: boolean;
  /**
   * CANCELs an INVITE this app sent (RFC 3261 §9.1). Only valid on a request
   * whose `source` is `application`; drachtio-srf throws otherwise.
   */
  cancel(opts?: { headers?: SrfHeaders }, callback?: (err: Error | null, cancel?: SrfRequest) => void): void;
  /** Emitted on an incoming INVITE when the caller CANCELs it. */
  on(event: 'cancel', listener: (cancel: SipMessage) => void): this;
  /** Emitted on an app-sent request for each response. */
  on(event: 'response', listener: (res: SrfResponse, ack?: (opts?: { sdp?: string }) => void) => void): this;
  // biome-ignore lint/suspicious/noExplicitAny: must stay assignable to EventEmitter#on
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}

/** Options of {@link SrfResponse.send}. */
export interface SendOptions {
  headers?: SrfHeaders;
  body?: string;
}

/** A SIP response: the one being built for an incoming request, or one received. */
export interface SrfResponse extends SrfMessageBase {
  status: number;
  readonly statusCode: number;
  reason: string;
  readonly finalResponseSent: boolean;
  readonly headersSent: boolean;
  /**
   * Sends a response to the incoming request. `reason` defaults to the
   * standard phrase for `status`.
   */
  send(status: number, reason?: string, opts?: SendOptions, callback?: (err: Error | null, msg: SipMessage) => void): void;
  send(status: number, opts?: SendOptions, callback?: (err: Error | null, msg: SipMessage) => void): void;
  /** Emitted once the final response has been sent. */
  on(event: 'end', listener: (outcome: { status: number; reason: string }) => void): this;
  // biome-ignore lint/suspicious/noExplicitAny: must stay assignable to EventEmitter#on
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}
