import type { EventEmitter } from 'node:events';
import type { Dialog } from './srf-dialog.js';
import type { ParsedSipUri, SipMessage, SrfRequest, SrfResponse } from './srf-message.js';
import type {
  CreateB2buaOptions,
  CreateUacOptions,
  CreateUasOptions,
  ProxyRequestOptions,
  ProxyResult,
  SrfConnectOptions,
  SrfRequestOptions,
  UacProgressCallbacks,
} from './srf-options.js';

/** A request handler. */
export type SrfHandler = (req: SrfRequest, res: SrfResponse) => void;
/** A middleware: call `next()` to pass on, `next(err)` to fail. */
export type SrfMiddleware = (req: SrfRequest, res: SrfResponse, next: (err?: unknown) => void) => void;

/**
 * A drachtio-srf application: one (re)connecting client of a drachtio server.
 * Registering a method handler (`invite`, `register`, …) makes the server
 * route that method to this app (`route|<verb>`, drachtio-protocol.md §2.2).
 */
export interface SrfApp extends EventEmitter {
  connect(opts: SrfConnectOptions): void;
  disconnect(): void;
  locals: Record<string, unknown>;
  /** `true` when no transaction is pending (used for graceful drain). */
  readonly idle: boolean;

  use(middleware: SrfMiddleware): void;
  use(method: string, middleware: SrfMiddleware): void;
  invite(handler: SrfHandler): void;
  register(handler: SrfHandler): void;
  options(handler: SrfHandler): void;
  info(handler: SrfHandler): void;
  message(handler: SrfHandler): void;
  notify(handler: SrfHandler): void;
  subscribe(handler: SrfHandler): void;
  publish(handler: SrfHandler): void;
  refer(handler: SrfHandler): void;
  bye(handler: SrfHandler): void;
  update(handler: SrfHandler): void;
  prack(handler: SrfHandler): void;

  /** Answers an INVITE and returns the UAS dialog (RFC 3261 §13.3). */
  createUAS(req: SrfRequest, res: SrfResponse, opts?: CreateUasOptions): Promise<Dialog>;
  /**
   * Sends an INVITE without SDP (late offer, RFC 3261 §13.2.1) and does not ACK
   * the 2xx: it carries the far end's offer, and the ACK must carry our answer.
   */
  createUAC(uri: string, opts: CreateUacOptions & { noAck: true; localSdp?: undefined }, progress?: UacProgressCallbacks): Promise<UacLateOffer>;
  /** Sends an INVITE; rejects with a drachtio `SipError` (`status`, `reason`) on a final non-2xx. */
  createUAC(uri: string, opts?: CreateUacOptions, progress?: UacProgressCallbacks): Promise<Dialog>;
  /** Bridges an incoming INVITE to `uri`; rejects with a drachtio `SipError` when the B leg fails. */
  createB2BUA(
    req: SrfRequest,
    res: SrfResponse,
    uri: string,
    opts?: CreateB2buaOptions,
    progress?: UacProgressCallbacks,
  ): Promise<{ uas: Dialog; uac: Dialog }>;
  /** Sends an out-of-dialog request; resolves with the request as sent (listen to its `response` event). */
  request(uri: string, opts: SrfRequestOptions): Promise<SrfRequest>;
  request(uri: string, opts: SrfRequestOptions, callback: (err: Error | null, req?: SrfRequest) => void): void;
  /** Proxies an incoming request statefully (drachtio-protocol.md §4.13). */
  proxyRequest(req: SrfRequest, destination: string | string[], opts?: ProxyRequestOptions): Promise<ProxyResult>;
  findDialogById(id: string): Dialog | undefined;

  /** `err` is set when authentication failed. */
  on(event: 'connect', listener: (err: Error | null, hostport?: string, serverVersion?: string, localHostports?: string) => void): this;
  on(event: 'reconnecting', listener: (opts: { delay: number; attempt: number }) => void): this;
  on(event: 'close' | 'disconnect', listener: () => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'cdr:attempt', listener: (source: string, time: string, msg: SipMessage) => void): this;
  on(event: 'cdr:start', listener: (source: string, time: string, role: string, msg: SipMessage) => void): this;
  on(event: 'cdr:stop', listener: (source: string, time: string, reason: string, msg: SipMessage) => void): this;
  // biome-ignore lint/suspicious/noExplicitAny: must stay assignable to EventEmitter#on
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}

/** The 2xx of a late-offer INVITE, not yet ACKed (`createUAC` with `noAck: true`). */
export interface UacLateOffer {
  /** The far end's SDP offer. */
  readonly sdp: string;
  /** The 2xx itself (To-tag, Contact…). */
  readonly res: SrfResponse;
  /** Sends the ACK with our SDP answer and resolves the dialog. */
  ack(localSdp: string): Promise<Dialog>;
  /** Abandons the leg: ACKs the 2xx (echoing its SDP) and sends BYE. */
  destroy(): Promise<void>;
}

/** The drachtio-srf constructor, typed. `tags` are for tagged routing (drachtio-protocol.md §2.3). */
export interface SrfConstructor {
  new (tags?: string | string[]): SrfApp;
  readonly parseUri: (uri: string) => ParsedSipUri | undefined;
  readonly stringifyUri: (uri: ParsedSipUri) => string;
}

/** The error drachtio-srf rejects with when a request gets a final non-2xx response. */
export interface SrfSipError extends Error {
  readonly status: number;
  readonly reason?: string;
  /** The failing response, when drachtio-srf attaches it. */
  readonly res?: SrfResponse;
}
