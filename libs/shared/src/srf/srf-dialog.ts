import type { EventEmitter } from 'node:events';
import type { SrfHeaders, SipMessage, SrfRequest, SrfResponse } from './srf-message.js';

/** In-dialog request handler; the app must answer with `res.send`. */
export type DialogRequestListener = (req: SrfRequest, res: SrfResponse) => void;

/** Options of {@link Dialog.request}. */
export interface DialogRequestOptions {
  method: string;
  headers?: SrfHeaders;
  body?: string;
}

/**
 * A SIP dialog (RFC 3261 §12) created by `createUAS`, `createUAC` or
 * `createB2BUA`. When nobody listens for `modify`/`refer`/`info`/`notify`/
 * `update`, drachtio-srf answers those itself (200, or 488/501 as it sees fit).
 */
export interface Dialog extends EventEmitter {
  /** drachtio dialog id. */
  readonly id: string;
  readonly type: 'uas' | 'uac';
  readonly sip: { callId: string; localTag: string; remoteTag: string };
  readonly local: { uri: string; sdp: string; contact: string };
  readonly remote: { uri: string; sdp: string };
  /** The request that created the dialog. */
  readonly req: SrfRequest;
  readonly onHold: boolean;
  readonly connected: boolean;
  /** The other leg, when made by `createB2BUA`. */
  other?: Dialog;

  /** Sends BYE (RFC 3261 §15.1.1) and forgets the dialog. */
  destroy(opts?: { headers?: SrfHeaders }): Promise<SipMessage>;
  destroy(opts: { headers?: SrfHeaders }, callback: (err: Error | null, bye?: SipMessage) => void): void;
  /** Re-INVITE with new SDP, or `'hold'` / `'unhold'` (RFC 3264 §8.4); resolves with the far end's SDP. */
  modify(sdp: string, opts?: { headers?: SrfHeaders; noAck?: boolean }): Promise<string>;
  /** Sends an in-dialog request (INFO, REFER, NOTIFY, UPDATE, MESSAGE…) and resolves with the final response. */
  request(opts: DialogRequestOptions): Promise<SrfResponse>;
  request(opts: DialogRequestOptions, callback: (err: Error | null, res?: SrfResponse) => void): void;

  /** BYE received (`reason` is set when the dialog ended for another cause). */
  on(event: 'destroy', listener: (req: SrfRequest, reason?: string) => void): this;
  /** re-INVITE that changes the session. */
  on(event: 'modify', listener: DialogRequestListener): this;
  /** re-INVITE that only refreshes the session (same SDP). */
  on(event: 'refresh', listener: (req: SrfRequest) => void): this;
  on(event: 'hold' | 'unhold', listener: (req: SrfRequest) => void): this;
  /** REFER (RFC 3515). */
  on(event: 'refer', listener: DialogRequestListener): this;
  on(event: 'info' | 'notify' | 'update' | 'message' | 'options', listener: DialogRequestListener): this;
  /** ACK to our 2xx (UAS side; RFC 3261 §13.3.1.4). */
  on(event: 'ack', listener: (req: SrfRequest) => void): this;
  // biome-ignore lint/suspicious/noExplicitAny: must stay assignable to EventEmitter#on
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}
