import type { Dialog } from './srf-dialog.js';
import type { SrfHeaders, SrfRequest, SrfResponse } from './srf-message.js';

/** Digest credentials drachtio-srf uses to answer a 401/407 challenge. */
export interface SrfAuth {
  username: string;
  password: string;
}

/** `srf.connect()` options (drachtio-protocol.md §5.1). */
export interface SrfConnectOptions {
  host: string;
  /** @defaultValue 9022 */
  port?: number;
  secret: string;
  tags?: string[];
  enablePing?: boolean;
  pingInterval?: number;
  reconnect?: { retryMaxDelay?: number; maxAttempts?: number; connectTimeout?: number };
}

/** Options of `srf.createUAS`. */
export interface CreateUasOptions {
  localSdp?: string | (() => string | Promise<string>);
  headers?: SrfHeaders;
}

/** Options of `srf.createUAC`. */
export interface CreateUacOptions {
  headers?: SrfHeaders;
  localSdp?: string;
  proxy?: string;
  auth?: SrfAuth;
  callingNumber?: string;
  /** Display name of the From header drachtio-srf builds from `callingNumber` (ignored when `headers` has a From). */
  callingName?: string;
  calledNumber?: string;
  followRedirects?: boolean;
  noAck?: boolean;
}

/** Progress hooks of `createUAC` / `createB2BUA`. */
export interface UacProgressCallbacks {
  /** The INVITE as sent; keep it to `req.cancel()` later. */
  cbRequest?: (err: Error | null, req: SrfRequest) => void;
  cbProvisional?: (res: SrfResponse) => void;
  /** B2BUA only: the UAC leg once it is final. */
  cbFinalizedUac?: (uac: Dialog) => void;
}

/** Options of `srf.createB2BUA`. */
export interface CreateB2buaOptions {
  headers?: SrfHeaders;
  responseHeaders?: SrfHeaders | ((uacRes: SrfResponse, headers: SrfHeaders) => SrfHeaders | null);
  localSdpA?: string | ((sdp: string, res: SrfResponse) => string | Promise<string>);
  localSdpB?: string | ((sdp: string) => string | Promise<string>);
  proxyRequestHeaders?: string[];
  proxyResponseHeaders?: string[];
  passFailure?: boolean;
  passProvisionalResponses?: boolean;
  proxy?: string;
  auth?: SrfAuth;
  followRedirects?: boolean;
}

/** Options of `srf.request` (out-of-dialog OPTIONS, REGISTER, MESSAGE, NOTIFY…). */
export interface SrfRequestOptions {
  method: string;
  headers?: SrfHeaders;
  body?: string;
  auth?: SrfAuth;
  proxy?: string;
}

/** Options of `srf.proxyRequest` (drachtio-protocol.md §5.10). */
export interface ProxyRequestOptions {
  recordRoute?: boolean;
  forking?: 'sequential' | 'simultaneous';
  remainInDialog?: boolean;
  followRedirects?: boolean;
  provisionalTimeout?: string;
  finalTimeout?: string;
}

/** Outcome of `srf.proxyRequest`. */
export interface ProxyResult {
  connected: boolean;
  responses: { address: string; port: number; msg: SrfResponse }[];
  finalStatus: number;
  finalResponse: SrfResponse;
}
