import { PBX_ERR_SIP_OPTIONS } from './sip/errors.js';
import type { StackLogger } from './stack-logger.js';
import { type SipTimerInput, type SipTimers, resolveTimers } from './timers.js';
import type { ListenContact } from './transport/transport-types.js';

/** Options of {@link SipStack}; validated once and frozen by the constructor. */
export interface SipStackOptions {
  /** Listening points. @defaultValue one UDP and one TCP contact on 0.0.0.0:5060 */
  contacts?: ReadonlyArray<ListenContact>;
  /** T1/T2/T4/Timer C. @defaultValue T1 500, T2 4000, T4 5000, C 185000 (ms) */
  timers?: SipTimerInput;
  /** Answer every new INVITE with `100 Trying` immediately (drachtio-server does). @defaultValue true */
  autoTrying?: boolean;
  /** Largest message accepted on TCP (bytes). @defaultValue 4194304 */
  maxMessageBytes?: number;
  /** Close TCP connections idle (no traffic, no alias) for this long (ms); 0 disables. @defaultValue 300000 */
  tcpIdleTimeout?: number;
  /**
   * A TCP message must be complete this many ms after its first byte, or the
   * connection is closed: a peer trickling a header section byte by byte
   * would otherwise reset the idle timer forever. 0 disables.
   * @defaultValue 20000 (Kamailio's `tcp_msg_read_timeout` default)
   */
  tcpMessageTimeout?: number;
  /** Incoming TCP connections accepted at once from one source address; 0 disables the cap. @defaultValue 256 */
  tcpMaxConnectionsPerAddress?: number;
  /** Logger. @defaultValue warnings/errors on stderr */
  logger?: StackLogger;
}

/** Options after validation (frozen). */
export interface ResolvedSipStackOptions {
  readonly contacts: ReadonlyArray<ListenContact>;
  readonly timers: SipTimers;
  readonly autoTrying: boolean;
  readonly maxMessageBytes: number;
  readonly tcpIdleTimeout: number;
  readonly tcpMessageTimeout: number;
  readonly tcpMaxConnectionsPerAddress: number;
}

const DEFAULT_CONTACTS: ReadonlyArray<ListenContact> = Object.freeze([
  { protocol: 'udp', host: '0.0.0.0', port: 5060 },
  { protocol: 'tcp', host: '0.0.0.0', port: 5060 },
]);

/** Deadline for a complete TCP message from its first byte (ms). */
export const DEFAULT_TCP_MESSAGE_TIMEOUT = 20_000;
/** Concurrent incoming TCP connections per source address. */
export const DEFAULT_TCP_MAX_CONNECTIONS_PER_ADDRESS = 256;

/** Validates options once and freezes them. */
export function resolveStackOptions(options: SipStackOptions): ResolvedSipStackOptions {
  return Object.freeze({
    contacts: Object.freeze((options.contacts ?? DEFAULT_CONTACTS).map((c) => Object.freeze({ ...c }))),
    timers: resolveTimers(options.timers),
    autoTrying: options.autoTrying ?? true,
    maxMessageBytes: positive('maxMessageBytes', options.maxMessageBytes ?? 4 * 1024 * 1024),
    tcpIdleTimeout: nonNegative('tcpIdleTimeout', options.tcpIdleTimeout ?? 300_000),
    tcpMessageTimeout: nonNegative('tcpMessageTimeout', options.tcpMessageTimeout ?? DEFAULT_TCP_MESSAGE_TIMEOUT),
    tcpMaxConnectionsPerAddress: nonNegative(
      'tcpMaxConnectionsPerAddress',
      options.tcpMaxConnectionsPerAddress ?? DEFAULT_TCP_MAX_CONNECTIONS_PER_ADDRESS,
    ),
  });
}

function positive(name: string, v: number): number {
  if (!Number.isInteger(v) || v <= 0) throw new PBX_ERR_SIP_OPTIONS(`${name} must be a positive integer`);
  return v;
}

function nonNegative(name: string, v: number): number {
  if (!Number.isFinite(v) || v < 0) throw new PBX_ERR_SIP_OPTIONS(`${name} must be >= 0`);
  return v;
}
