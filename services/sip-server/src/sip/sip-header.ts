/** One header line as it appeared (name case kept; folded lines joined with one SP, RFC 3261 §7.3.1). */
export interface SipHeader {
  readonly name: string;
  readonly value: string;
}
