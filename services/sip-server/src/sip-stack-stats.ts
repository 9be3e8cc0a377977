/** Counters for metrics and leak checks (see {@link SipStack.stats}). */
export interface SipStackStats {
  requestsIn: number;
  responsesIn: number;
  requestsOut: number;
  responsesOut: number;
  /** Messages dropped or answered 400 because they were malformed. */
  parseErrors: number;
  /** Request retransmissions absorbed by server transactions. */
  retransmissionsIn: number;
  serverTransactions: number;
  clientTransactions: number;
  /** Open TCP connections (incoming + outgoing). */
  connections: number;
  /** Connection aliases registered with `aliasConnection`. */
  aliases: number;
}
