/**
 * drachtio-server's command-line options (from its `usage()` / getopt table),
 * plus a few of ours. `use` says what we do with each:
 *
 * - `'apply'`  mapped onto ServerOptions
 * - `'ignore'` accepted for drop-in compatibility, one warning, no effect
 * - `'exit'`   prints something and exits 0 (`--help`, `--version`)
 */
export interface OptionSpec {
  readonly long: string;
  readonly short?: string;
  readonly takesValue: boolean;
  readonly use: 'apply' | 'ignore' | 'exit';
  /** Short description for `--help`. */
  readonly help: string;
}

const o = (long: string, takesValue: boolean, use: OptionSpec['use'], help: string, short?: string): OptionSpec =>
  Object.freeze(short === undefined ? { long, takesValue, use, help } : { long, short, takesValue, use, help });

export const OPTION_TABLE: readonly OptionSpec[] = Object.freeze([
  o('file', true, 'apply', 'path to drachtio.conf.xml (default /etc/drachtio.conf.xml when present)', 'f'),
  o('noconfig', false, 'apply', 'do not read any configuration file'),
  o('port', true, 'apply', 'admin TCP port applications connect to (default 9022)', 'p'),
  o('address', true, 'apply', 'admin bind address (default 127.0.0.1; drachtio-server binds 0.0.0.0)'),
  o('secret', true, 'apply', 'shared secret applications authenticate with (default cymru; env DRACHTIO_SECRET)'),
  o('contact', true, 'apply', 'SIP listen contact, repeatable, e.g. sip:*:5060;transport=udp,tcp', 'c'),
  o('external-ip', true, 'apply', 'public address for the preceding --contact', 'x'),
  o('local-net', true, 'ignore', 'CIDR of the local network for the preceding --contact', 'n'),
  o('dns-name', true, 'ignore', 'DNS name that resolves to this server', 'd'),
  o('loglevel', true, 'apply', 'notice | error | warning | info | debug (default info)', 'l'),
  o('sofia-loglevel', true, 'ignore', '0-9; accepted and ignored (no sofia stack here)', 's'),
  o('prometheus-scrape-port', true, 'apply', '[host:]port of the /metrics + /healthz endpoint (default off)'),
  o('metrics-port', true, 'apply', 'alias of --prometheus-scrape-port'),
  o('user-agent-options-auto-respond', true, 'apply', 'answer OPTIONS with this User-Agent 200 OK without any application'),
  o('t1', true, 'apply', 'SIP timer T1 in ms (default 500)'),
  o('t2', true, 'apply', 'SIP timer T2 in ms (default 4000)'),
  o('t4', true, 'apply', 'SIP timer T4 in ms (default 5000)'),
  o('app-auth-timeout', true, 'apply', 'close an application connection that has not authenticated after this many ms (default 5000)'),
  o('tcp-message-timeout', true, 'apply', 'close a SIP TCP connection whose message is incomplete this many ms after its first byte; 0 = off (default 20000)'),
  o('tcp-max-connections-per-address', true, 'apply', 'incoming SIP TCP connections at once per source address; 0 = no cap (default 256)'),
  o('help', false, 'exit', 'print this help and exit', 'h'),
  o('version', false, 'exit', 'print the version and exit', 'v'),
  o('daemon', false, 'ignore', 'run in the background'),
  o('user', true, 'ignore', 'user to run as when daemonized', 'u'),
  o('http-handler', true, 'ignore', 'HTTP routing hook (outbound mode)', 'a'),
  o('http-method', true, 'ignore', 'method for --http-handler', 'm'),
  o('stdout', false, 'ignore', 'log to stdout (always on here)', 'b'),
  o('homer', true, 'ignore', 'HEP capture server host:port', 'y'),
  o('homer-id', true, 'ignore', 'HEP agent id', 'z'),
  o('key-file', true, 'ignore', 'TLS key file'),
  o('cert-file', true, 'ignore', 'TLS certificate file'),
  o('chain-file', true, 'ignore', 'TLS chain file'),
  o('dh-param', true, 'ignore', 'TLS DH parameters'),
  o('tls-port', true, 'ignore', 'admin TLS port'),
  o('min-tls-version', true, 'ignore', 'minimum TLS version'),
  o('mtu', true, 'ignore', 'UDP MTU'),
  o('tcp-keepalive-interval', true, 'ignore', 'admin TCP keep-alive seconds'),
  o('aggressive-nat-detection', false, 'ignore', 'treat nat=yes as behind NAT'),
  o('disable-nat-detection', false, 'ignore', 'disable NAT detection'),
  o('reject-register-with-no-realm', false, 'ignore', '403 REGISTER with an IP host'),
  o('always-send-180', false, 'ignore', 'send 180 Ringing to every new INVITE'),
  o('memory-debug', false, 'ignore', 'allocation debugging'),
  o('globally-readable-logs', false, 'ignore', 'log file permissions'),
  o('blacklist-redis-address', true, 'ignore', 'Redis IP blacklist'),
  o('blacklist-redis-port', true, 'ignore', 'Redis IP blacklist'),
  o('blacklist-redis-key', true, 'ignore', 'Redis IP blacklist'),
  o('blacklist-refresh-secs', true, 'ignore', 'Redis IP blacklist'),
  o('blacklist-redis-sentinels', true, 'ignore', 'Redis IP blacklist'),
  o('blacklist-redis-master', true, 'ignore', 'Redis IP blacklist'),
  o('blacklist-redis-password', true, 'ignore', 'Redis IP blacklist'),
  o('min-expires', true, 'ignore', 'minimum REGISTER expiry (registrar policy belongs to the application)'),
]);

const byLong = new Map(OPTION_TABLE.map((s) => [s.long, s]));
const byShort = new Map(OPTION_TABLE.filter((s) => s.short).map((s) => [s.short!, s]));

/** Looks an option up by its long name (without `--`). */
export function findLongOption(name: string): OptionSpec | undefined {
  return byLong.get(name);
}

/** Looks an option up by its one-letter short name (without `-`). */
export function findShortOption(letter: string): OptionSpec | undefined {
  return byShort.get(letter);
}
