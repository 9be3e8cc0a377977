import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { PolicyEvent } from '../policy/create-policy.js';
import type { MetricsSnapshot, MetricsSourceFn } from './metrics-source.js';

/** Options of {@link SipServerMetrics}. */
export interface SipServerMetricsOptions {
  /** Read on every scrape for gauges and snapshot counters. */
  readonly source: MetricsSourceFn;
  /** @defaultValue a new, private `Registry` (no global state) */
  readonly registry?: Registry;
  /** Collect Node.js process metrics (CPU, RSS, heap, event-loop lag). @defaultValue true */
  readonly processMetrics?: boolean;
}

/** Methods that get their own label value; anything else is `other`, bounding cardinality. */
const METHODS = new Set([
  'INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'PRACK', 'UPDATE',
  'INFO', 'REFER', 'NOTIFY', 'SUBSCRIBE', 'MESSAGE', 'PUBLISH',
]);
const FRAME_TYPES = new Set([
  'authenticate', 'route', 'remove_route', 'ping', 'sip', 'proxy', 'response', 'cdr:attempt', 'cdr:start', 'cdr:stop',
]);

const GAUGES: ReadonlyArray<[keyof MetricsSnapshot, string, string]> = [
  ['applications', 'drachtio_app_connections', 'Authenticated application connections'],
  ['adminConnections', 'drachtio_admin_connections', 'Admin socket connections (authenticated or not)'],
  ['dialogs', 'sip_dialogs_alive', 'SIP dialogs held (early and confirmed)'],
  ['transactions', 'drachtio_transactions_alive', 'Application-visible transactions alive'],
  ['serverTransactions', 'sip_server_transactions_alive', 'RFC 3261 server transactions alive'],
  ['serverTransactionRecords', 'sip_server_transaction_records', 'Finished UDP server transactions held as compact records until Timer J/L'],
  ['clientTransactions', 'sip_client_transactions_alive', 'RFC 3261 client transactions alive'],
  ['connections', 'sip_tcp_connections', 'Open SIP TCP connections'],
];

const SNAPSHOT_COUNTERS: ReadonlyArray<[keyof MetricsSnapshot, string, string]> = [
  ['requestsIn', 'sip_requests_received_total', 'SIP requests received'],
  ['responsesIn', 'sip_responses_received_total', 'SIP responses received'],
  ['requestsOut', 'sip_requests_sent_total', 'SIP requests sent'],
  ['responsesOut', 'sip_responses_sent_total', 'SIP responses sent'],
  ['parseErrors', 'sip_parse_errors_total', 'Malformed SIP messages dropped or answered 400'],
  ['retransmissionsIn', 'sip_retransmissions_absorbed_total', 'Request retransmissions absorbed by server transactions'],
  ['tcpMessageTimeouts', 'sip_tcp_message_timeouts_total', 'TCP connections closed: a message was not complete within the deadline'],
  ['tcpConnectionsRefused', 'sip_tcp_connections_refused_total', 'Incoming TCP connections refused by the per-address cap'],
  ['adminAuthTimeouts', 'drachtio_admin_auth_timeouts_total', 'Application connections closed: no authenticate within the deadline'],
  ['adminPreAuthRejects', 'drachtio_admin_preauth_rejects_total', 'Application connections closed: oversize or malformed frame before authenticating'],
];

/**
 * Prometheus metrics of the SIP server. Gauges and totals come from a
 * snapshot read at scrape time (no per-message cost on the hot path);
 * labelled counters are fed by the `observe…` methods.
 */
export class SipServerMetrics {
  readonly registry: Registry;
  readonly #messages: Counter<'direction' | 'method' | 'status'>;
  readonly #frames: Counter<'direction' | 'type'>;
  readonly #policy: Counter<'decision'>;

  constructor(options: SipServerMetricsOptions) {
    this.registry = options.registry ?? new Registry();
    const registers = [this.registry];
    const source = options.source;
    let snapshot: MetricsSnapshot = {};
    let taken = 0;
    // One snapshot per scrape, shared by every collector below.
    const read = (): MetricsSnapshot => {
      const now = Date.now();
      if (now - taken > 50) {
        try {
          snapshot = source();
        } catch {
          snapshot = {};
        }
        taken = now;
      }
      return snapshot;
    };
    for (const [key, name, help] of GAUGES) {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          const v = read()[key];
          if (typeof v === 'number') this.set(v);
        },
      });
    }
    for (const [key, name, help] of SNAPSHOT_COUNTERS) {
      let last = 0;
      new Counter({
        name,
        help,
        registers,
        collect() {
          const v = read()[key];
          // Counters only go up; the source's totals are monotonic, so add the delta.
          if (typeof v === 'number' && v > last) {
            this.inc(v - last);
            last = v;
          }
        },
      });
    }
    this.#messages = new Counter({
      name: 'sip_messages_total',
      help: 'SIP messages by direction, method and status (status empty for requests)',
      labelNames: ['direction', 'method', 'status'] as const,
      registers,
    });
    this.#frames = new Counter({
      name: 'drachtio_admin_frames_total',
      help: 'Admin protocol frames by direction and type',
      labelNames: ['direction', 'type'] as const,
      registers,
    });
    this.#policy = new Counter({
      name: 'sip_policy_decisions_total',
      help: 'Requests answered by policy: spammer (603) or options-auto-respond (200)',
      labelNames: ['decision'] as const,
      registers,
    });
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Counts one SIP message; `status` for responses only. */
  observeMessage(direction: 'in' | 'out', method: string, status?: number): void {
    const m = METHODS.has(method) ? method : 'other';
    this.#messages.inc({ direction, method: m, status: status === undefined ? '' : String(status) });
  }

  /** Counts one admin frame by its type token. */
  observeAdminFrame(direction: 'in' | 'out', type: string): void {
    this.#frames.inc({ direction, type: FRAME_TYPES.has(type) ? type : 'other' });
  }

  /** Counts one policy decision (pass as the CLI's `policyObserver`). */
  observePolicy(event: PolicyEvent): void {
    this.#policy.inc({ decision: event.kind });
  }

  /** Prometheus text exposition. */
  async render(): Promise<string> {
    return this.registry.metrics();
  }
}
