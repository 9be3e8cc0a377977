import DrachtioSrf from 'drachtio-srf';
import type { SrfApp, SrfConstructor, SrfSipError } from './srf-app.js';

// drachtio-srf is CommonJS with partial, partly wrong bundled typings; bind
// the runtime class once to our own declarations. This module is the only
// place that imports 'drachtio-srf' directly.
const runtime = DrachtioSrf as unknown as SrfConstructor & {
  SipError: new (status: number, reason?: string) => SrfSipError;
  SipRequest: { prototype: object };
  SipResponse: { prototype: object };
};

// Every handler needs the Call-ID (logs, Redis keys, NATS subjects); drachtio-srf
// only offers `get('Call-ID')`, so both message classes get a read-only getter.
for (const proto of [runtime.SipRequest.prototype, runtime.SipResponse.prototype]) {
  if (!Object.getOwnPropertyDescriptor(proto, 'callId')) {
    Object.defineProperty(proto, 'callId', {
      configurable: true,
      get(this: { get(name: string): string | undefined }) {
        return this.get('Call-ID') ?? '';
      },
    });
  }
}

/** The drachtio-srf `Srf` class with Dragon PBX's typings. */
export const Srf: SrfConstructor = runtime;
/** An instance of {@link Srf}. */
export type Srf = SrfApp;

/** drachtio-srf's `SipError` class (what `createUAC`/`createB2BUA` reject with). */
export const SrfSipErrorClass: new (status: number, reason?: string) => SrfSipError = runtime.SipError;

/** Whether `err` is drachtio-srf's `SipError`, i.e. the far end answered with a final non-2xx. */
export function isSrfSipError(err: unknown): err is SrfSipError {
  return err instanceof runtime.SipError;
}

/** Parses a SIP URI; `undefined` when it is not one. */
export const parseSipUri = (uri: string) => runtime.parseUri(uri);
