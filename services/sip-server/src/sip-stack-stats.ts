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
  /** Server transactions alive, including the compact records below. */
  serverTransactions: number;
  /**
   * Finished UDP server transactions held as compact records (key, response
   * bytes, destination, expiry) until Timer J/L, instead of the whole object.
   */
  serverTransactionRecords: number;
  /** Server transactions replaced by a compact record so far. */
  serverTransactionsRetired: number;
  /** Compact records that reached Timer J/L so far. */
  serverRecordsExpired: number;
  clientTransactions: number;
  /** Open TCP connections (incoming + outgoing). */
  connections: number;
  /** Connection aliases registered with `aliasConnection`. */
  aliases: number;
  /** TCP connections closed because a message was not complete in time (total). */
  tcpMessageTimeouts: number;
  /** Incoming TCP connections refused by the per-address cap (total). */
  tcpConnectionsRefused: number;
}
