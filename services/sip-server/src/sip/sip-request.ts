import { SipMessage } from './sip-message.js';

/** A SIP request (RFC 3261 §7.1). */
export class SipRequest extends SipMessage {
  readonly isRequest = true as const;
  /** Method token, case as received (methods are case-sensitive, §7.1). */
  method: string;
  /** Request-URI as text. */
  uri: string;

  constructor(method: string, uri: string, version = 'SIP/2.0') {
    super();
    this.method = method;
    this.uri = uri;
    this.version = version;
  }

  startLine(): string {
    return `${this.method} ${this.uri} ${this.version}`;
  }
}
