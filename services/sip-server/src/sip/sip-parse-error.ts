import { PbxError } from '@dragonpbx/shared/contracts';
import type { SipMessage } from './sip-message.js';

/**
 * A received message is malformed. When `answerable` is true the message is
 * a request whose Via/From/To/Call-ID/CSeq are present, so the stack can
 * reply `status reason` (400, or 505 for an unknown SIP version, RFC 3261
 * §8.2.2 ff.) built from `partial`; otherwise the message must be dropped.
 */
export class SipParseError extends PbxError {
  /** SIP status to answer with when answerable (400 or 505). */
  readonly status: number;
  readonly answerable: boolean;
  /** What could be parsed (start line + headers) — used to build the error response. */
  readonly partial?: SipMessage;

  constructor(reason: string, options: { status?: number; answerable?: boolean; partial?: SipMessage } = {}) {
    super('PBX_ERR_SIP_PARSE', `malformed SIP message: ${reason}`, 400);
    this.name = 'SipParseError';
    this.status = options.status ?? 400;
    this.answerable = options.answerable ?? false;
    if (options.partial) this.partial = options.partial;
  }

  /** The short reason, usable as a SIP reason phrase. */
  get reason(): string {
    return this.message.slice('malformed SIP message: '.length);
  }
}
