/**
 * What the scripted user agents need of a parsed SIP message. The UAs take
 * the parser as an option, so the SIP server's tests read messages with the
 * server's own parser while the testkit itself depends on no service.
 */
export interface TestSipMessage {
  readonly isRequest: boolean;
  /** First value of a header (case-insensitive), `undefined` when absent. */
  get(name: string): string | undefined;
  /** Every value of a header, in order. */
  getAll(name: string): string[];
}

/** A parsed request. */
export interface TestSipRequest extends TestSipMessage {
  readonly method: string;
}

/** A parsed response. */
export interface TestSipResponse extends TestSipMessage {
  readonly status: number;
}

/** Turns the bytes of one datagram or one framed stream message into a message; throws on garbage. */
export type SipParse<M extends TestSipMessage> = (data: Buffer) => M;
