/**
 * Options of {@link SipServer}. Validated once by {@link resolveServerOptions}
 * and frozen; the CLI (`src/cli/`) maps drachtio-server's command line and
 * `drachtio.conf.xml` onto this shape.
 */
import { createError } from '@dragonpbx/shared/contracts';

/** Transport of a SIP listen contact. */
export type ContactProtocol = 'udp' | 'tcp';

/** One SIP listen address (drachtio-server `--contact`). */
export interface SipContactOptions {
  /** @defaultValue 'udp' */
  protocol: ContactProtocol;
  /** Local address to bind; `0.0.0.0` or `::` for all. */
  host: string;
  /** Local port; 0 picks an ephemeral port (tests). @defaultValue 5060 */
  port: number;
  /** Public address advertised in Via/Contact/Record-Route instead of `host` (drachtio `--external-ip`). */
  external?: string;
}

/** Admin (drachtio application protocol) listener. */
export interface AdminOptions {
  /**
   * Only local applications can reach the port unless this is set otherwise
   * (drachtio-server binds 0.0.0.0; the Helm chart and compose file set it explicitly).
   * @defaultValue '127.0.0.1'
   */
  address: string;
  /** 0 picks an ephemeral port (tests). @defaultValue 9022 */
  port: number;
  /** Shared secret applications authenticate with. @defaultValue 'cymru' */
  secret: string;
  /** A connection that has not authenticated after this many ms is closed. @defaultValue 5000 */
  authTimeout: number;
}

/** RFC 3261 §17 timer base values in milliseconds. */
export interface SipTimerOptions {
  /** RTT estimate. @defaultValue 500 */
  t1: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses. @defaultValue 4000 */
  t2: number;
  /** Maximum time a message remains in the network. @defaultValue 5000 */
  t4: number;
}

/** Limits on SIP over TCP against slow or greedy peers. */
export interface TcpLimitOptions {
  /**
   * A message must be complete this many ms after its first byte, or the connection is
   * closed (a peer trickling headers would otherwise keep it forever). 0 disables.
   * @defaultValue 20000 (Kamailio's `tcp_msg_read_timeout` default)
   */
  messageTimeout: number;
  /** Incoming connections open at once from one source address; 0 disables the cap. @defaultValue 256 */
  maxConnectionsPerAddress: number;
}

/** What the policy hook sees of a new incoming request (structural, so it stays independent of the parser). */
export interface PolicyRequest {
  readonly method: string;
  /** Request-URI as text. */
  readonly uri: string;
  /** Case-insensitive header lookup (first value), compact forms honoured. */
  get(name: string): string | undefined;
  /** Every value of a header, comma lists split. */
  getAll?(name: string): string[];
}

/** Final response the policy wants the server to send instead of offering the request to applications. */
export interface PolicyVerdict {
  status: number;
  reason: string;
  /** Extra header fields of the response (e.g. `Unsupported` with a 420). */
  headers?: Readonly<Record<string, string>>;
}

/**
 * Called for every new out-of-dialog request before it is offered to an
 * application: spammer rules (→ 603) and OPTIONS auto-respond (→ 200).
 * Returning `undefined` lets the request through.
 */
export type PolicyFn = (req: PolicyRequest) => PolicyVerdict | undefined;

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** Input accepted by {@link resolveServerOptions}; everything optional. */
export interface ServerOptionsInput {
  admin?: Partial<AdminOptions>;
  contacts?: ReadonlyArray<Partial<SipContactOptions> & { host: string }>;
  timers?: Partial<SipTimerOptions>;
  tcp?: Partial<TcpLimitOptions>;
  policy?: PolicyFn;
  logLevel?: LogLevel;
  /** Port of the Prometheus metrics + health HTTP endpoint; undefined disables it. */
  metricsPort?: number;
  /** Send `100 Trying` automatically for new INVITEs (drachtio-server does). @defaultValue true */
  autoTrying?: boolean;
  /** Smallest session interval honoured, seconds (RFC 4028 Min-SE). @defaultValue 90 */
  minSE?: number;
  /** Send CDR frames (`<cdrs>true</cdrs>`) to apps that route `cdr:*`. @defaultValue false */
  cdrs?: boolean;
}

/** Validated, frozen options. */
export interface ServerOptions {
  readonly admin: Readonly<AdminOptions>;
  readonly contacts: ReadonlyArray<Readonly<SipContactOptions>>;
  readonly timers: Readonly<SipTimerOptions>;
  readonly tcp: Readonly<TcpLimitOptions>;
  /** @defaultValue undefined (every request is offered to applications) */
  readonly policy: PolicyFn | undefined;
  /** @defaultValue 'info' */
  readonly logLevel: LogLevel;
  /** @defaultValue undefined (no metrics listener) */
  readonly metricsPort: number | undefined;
  /** @defaultValue true */
  readonly autoTrying: boolean;
  /** @defaultValue 90 */
  readonly minSE: number;
  /** @defaultValue false */
  readonly cdrs: boolean;
}

export const PBX_ERR_SIP_SERVER_OPTIONS = createError<[string, string]>(
  'PBX_ERR_SIP_SERVER_OPTIONS',
  'invalid sip-server option %s: %s',
  500,
);

/** drachtio-server's defaults (admin port 9022, secret `cymru`, SIP udp+tcp on 0.0.0.0:5060), but the admin port on loopback. */
export const DEFAULT_SERVER_OPTIONS: ServerOptions = Object.freeze({
  admin: Object.freeze({ address: '127.0.0.1', port: 9022, secret: 'cymru', authTimeout: 5000 }),
  contacts: Object.freeze([
    Object.freeze({ protocol: 'udp' as const, host: '0.0.0.0', port: 5060 }),
    Object.freeze({ protocol: 'tcp' as const, host: '0.0.0.0', port: 5060 }),
  ]),
  timers: Object.freeze({ t1: 500, t2: 4000, t4: 5000 }),
  tcp: Object.freeze({ messageTimeout: 20_000, maxConnectionsPerAddress: 256 }),
  policy: undefined,
  logLevel: 'info' as const,
  metricsPort: undefined,
  autoTrying: true,
  minSE: 90,
  cdrs: false,
});

const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];

function checkPort(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) {
    throw new PBX_ERR_SIP_SERVER_OPTIONS(name, `expected an integer port 0-65535, got ${String(v)}`);
  }
  return v;
}

function checkPositive(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new PBX_ERR_SIP_SERVER_OPTIONS(name, `expected a positive number of ms, got ${String(v)}`);
  }
  return v;
}

function checkCount(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new PBX_ERR_SIP_SERVER_OPTIONS(name, `expected an integer >= 0 (0 disables), got ${String(v)}`);
  }
  return v;
}

function checkHost(name: string, v: unknown): string {
  if (typeof v !== 'string' || v.length === 0) {
    throw new PBX_ERR_SIP_SERVER_OPTIONS(name, 'expected a non-empty host');
  }
  return v;
}

/** Validates `input` against the defaults and returns a deeply frozen {@link ServerOptions}. */
export function resolveServerOptions(input: ServerOptionsInput = {}): ServerOptions {
  const d = DEFAULT_SERVER_OPTIONS;
  const a = input.admin ?? {};
  const secret = a.secret ?? d.admin.secret;
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new PBX_ERR_SIP_SERVER_OPTIONS('admin.secret', 'expected a non-empty string');
  }
  const admin = Object.freeze({
    address: checkHost('admin.address', a.address ?? d.admin.address),
    port: checkPort('admin.port', a.port ?? d.admin.port),
    secret,
    authTimeout: checkPositive('admin.authTimeout', a.authTimeout ?? d.admin.authTimeout),
  });
  const contactsIn = input.contacts ?? d.contacts;
  if (!Array.isArray(contactsIn) || contactsIn.length === 0) {
    throw new PBX_ERR_SIP_SERVER_OPTIONS('contacts', 'at least one SIP contact is required');
  }
  const contacts = Object.freeze(
    contactsIn.map((c, i) => {
      const protocol = c.protocol ?? 'udp';
      if (protocol !== 'udp' && protocol !== 'tcp') {
        throw new PBX_ERR_SIP_SERVER_OPTIONS(`contacts[${i}].protocol`, `unsupported ${String(protocol)}`);
      }
      const out: SipContactOptions = {
        protocol,
        host: checkHost(`contacts[${i}].host`, c.host),
        port: checkPort(`contacts[${i}].port`, c.port ?? 5060),
      };
      if (c.external !== undefined) out.external = checkHost(`contacts[${i}].external`, c.external);
      return Object.freeze(out);
    }),
  );
  const t = input.timers ?? {};
  const timers = Object.freeze({
    t1: checkPositive('timers.t1', t.t1 ?? d.timers.t1),
    t2: checkPositive('timers.t2', t.t2 ?? d.timers.t2),
    t4: checkPositive('timers.t4', t.t4 ?? d.timers.t4),
  });
  if (timers.t2 < timers.t1) throw new PBX_ERR_SIP_SERVER_OPTIONS('timers.t2', 'must be >= t1');
  const tcpIn = input.tcp ?? {};
  const tcp = Object.freeze({
    messageTimeout: checkCount('tcp.messageTimeout', tcpIn.messageTimeout ?? d.tcp.messageTimeout),
    maxConnectionsPerAddress: checkCount('tcp.maxConnectionsPerAddress', tcpIn.maxConnectionsPerAddress ?? d.tcp.maxConnectionsPerAddress),
  });
  if (input.policy !== undefined && typeof input.policy !== 'function') {
    throw new PBX_ERR_SIP_SERVER_OPTIONS('policy', 'expected a function');
  }
  const logLevel = input.logLevel ?? d.logLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new PBX_ERR_SIP_SERVER_OPTIONS('logLevel', `expected one of ${LOG_LEVELS.join(', ')}`);
  }
  const metricsPort = input.metricsPort === undefined ? undefined : checkPort('metricsPort', input.metricsPort);
  return Object.freeze({
    admin,
    contacts,
    timers,
    tcp,
    policy: input.policy,
    logLevel,
    metricsPort,
    autoTrying: input.autoTrying ?? d.autoTrying,
    minSE: checkPositive('minSE', input.minSE ?? d.minSE),
    cdrs: input.cdrs === true,
  });
}
