/**
 * Snapshot counters the metrics read at scrape time. Structural on purpose:
 * `SipServer.stats()` and `SipStack.stats()` satisfy it without the metrics
 * code importing either, and a field a source does not provide is simply
 * not reported.
 */
export interface MetricsSnapshot {
  /** Authenticated application connections. */
  applications?: number;
  /** Admin connections, authenticated or not. */
  adminConnections?: number;
  dialogs?: number;
  /** App-visible transactions (drachtio txnIds alive). */
  transactions?: number;
  serverTransactions?: number;
  /** Finished UDP server transactions held as compact records until Timer J/L (counted in serverTransactions too). */
  serverTransactionRecords?: number;
  clientTransactions?: number;
  /** Open SIP TCP connections. */
  connections?: number;
  requestsIn?: number;
  responsesIn?: number;
  requestsOut?: number;
  responsesOut?: number;
  parseErrors?: number;
  retransmissionsIn?: number;
  /** TCP connections closed because a message was not complete in time. */
  tcpMessageTimeouts?: number;
  /** Incoming TCP connections refused by the per-address cap. */
  tcpConnectionsRefused?: number;
  /** Application connections closed for not authenticating in time. */
  adminAuthTimeouts?: number;
  /** Application connections closed for an oversize or malformed frame before authenticating. */
  adminPreAuthRejects?: number;
}

/** Returns the current snapshot; called on every scrape. */
export type MetricsSourceFn = () => MetricsSnapshot;
