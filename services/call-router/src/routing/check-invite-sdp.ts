import { PbxError } from '@dragonpbx/shared/contracts';
import { readSdp } from '../sdp/read-sdp.js';

/** A final response refusing the INVITE's body. */
export interface SdpRefusal {
  readonly status: 400 | 415;
  readonly reason: string;
  readonly headers: Record<string, string>;
  /** Stable log code. */
  readonly code: string;
}

/** What {@link checkInviteSdp} reads of a drachtio-srf request. */
export interface BodySource {
  readonly body: unknown;
  get(name: string): string | undefined;
}

/**
 * The INVITE's body is checked before the CallHook is called and before any
 * leg is INVITEd (docs/contract.md §5.3, every input validated): a body that
 * says `application/sdp` and is not readable SDP → 400 `X-Reason: malformed
 * SDP: …` (RFC 3261 §21.4.1); a body of another type → 415 with `Accept:
 * application/sdp` (RFC 3261 §21.4.13). No body is a late offer (RFC 3261
 * §13.2.1) and is fine. `undefined` when the body is acceptable.
 */
export function checkInviteSdp(req: BodySource): SdpRefusal | undefined {
  const body = typeof req.body === 'string' ? req.body : '';
  if (body.trim() === '') return undefined;
  const type = (req.get('Content-Type') ?? 'application/sdp').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/sdp') {
    return {
      status: 415,
      reason: 'Unsupported Media Type',
      headers: { Accept: 'application/sdp', 'X-Reason': `unsupported body type ${type.slice(0, 60)}` },
      code: 'PBX_ERR_SDP_INVALID',
    };
  }
  try {
    readSdp(body);
    return undefined;
  } catch (err) {
    if (!(err instanceof PbxError)) throw err;
    return { status: 400, reason: 'Bad Request', headers: { 'X-Reason': err.message.slice(0, 160) }, code: err.code };
  }
}
