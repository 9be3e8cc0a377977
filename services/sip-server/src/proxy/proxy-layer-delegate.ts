import type { IncomingTxn } from '../uas/incoming-txn.js';

/** What the proxy layer calls outside itself; the server supplies it at construction. */
export interface ProxyLayerDelegate {
  /** Drops the UAS layer's record of a request the proxy took over (it is no longer the app's to answer). */
  releaseIncoming(rec: IncomingTxn): void;
}
