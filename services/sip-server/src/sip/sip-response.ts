import { SipMessage } from './sip-message.js';

/** A SIP response (RFC 3261 §7.2). */
export class SipResponse extends SipMessage {
  readonly isRequest = false as const;
  /** Status code 100–699. */
  status: number;
  /** Reason phrase (may be empty, RFC 4475 §3.1.1.13). */
  reason: string;

  constructor(status: number, reason: string, version = 'SIP/2.0') {
    super();
    this.status = status;
    this.reason = reason;
    this.version = version;
  }

  startLine(): string {
    return `${this.version} ${this.status} ${this.reason}`;
  }
}
