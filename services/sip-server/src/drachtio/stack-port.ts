import type { SipStackEvents } from '../sip-stack-events.js';
import type { SipRequest } from '../sip/sip-request.js';
import type { SipResponse } from '../sip/sip-response.js';
import type { ClientTransaction } from '../transaction/client-transaction.js';
import type { BoundContact, Destination, SipConnection } from '../transport/transport-types.js';

/**
 * What the drachtio layer uses of the SIP stack (`SipStack` satisfies it
 * structurally). Kept narrow so the layer can be reasoned about on its own.
 */
export interface StackPort {
  on<K extends keyof SipStackEvents>(event: K, listener: (...args: SipStackEvents[K]) => void): unknown;
  /** Bound listening points (after start). */
  localContacts(): readonly BoundContact[];
  /** Creates a client transaction and sends `req` to `destination` (or to its resolved Request-URI). */
  sendRequest(req: SipRequest, opts?: { destination?: Destination }): ClientTransaction;
  /** Sends outside any transaction (ACK for 2xx, 2xx retransmissions); rejects on transport failure. */
  sendStateless(msg: SipRequest | SipResponse, destination?: Destination): Promise<unknown>;
  /** Resolves a SIP URI to a destination with a local listening point (RFC 3263 subset). */
  resolve(target: string): Promise<Destination>;
  /** The TCP connection aliased under `key`, if still open. */
  findAlias(key: string): SipConnection | undefined;
  /** A listening point for protocol/family. */
  pickLocal(protocol: 'udp' | 'tcp', family?: 4 | 6): BoundContact | undefined;
  /** Lets later requests to `key` (user@host of a Contact) reuse `connection` (docs/drachtio-protocol.md §4.4). */
  aliasConnection(key: string, connection: SipConnection): void;
}
