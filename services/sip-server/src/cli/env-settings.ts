import { PBX_ERR_ENV_INVALID } from '@dragonpbx/shared/platform';
import { PBX_ERR_SIP_CLI_INVALID } from './cli-errors.js';
import type { LogLevel } from '../server-options.js';
import { type DrachtioSettings, mapLogLevel } from './drachtio-settings.js';
import { parseHostPort, parsePort } from './parse-number.js';

/** Settings from drachtio-server's environment variables. */
export interface EnvSettings {
  readonly settings: DrachtioSettings;
  /** `DRACHTIO_CONFIG_FILE_PATH`. */
  readonly configFile?: string;
  readonly warnings: readonly string[];
}

/** drachtio-server variables for features this server does not have: one warning each when set. */
const IGNORED = [
  'DRACHTIO_ADMIN_TLS_PORT',
  'DRACHTIO_TLS_CERT_FILE',
  'DRACHTIO_TLS_CHAIN_FILE',
  'DRACHTIO_TLS_KEY_FILE',
  'DRACHTIO_TLS_DH_PARAM_FILE',
  'DRACHTIO_HOMER_ADDRESS',
  'DRACHTIO_HOMER_PORT',
  'DRACHTIO_HOMER_ID',
  'DRACHTIO_HTTP_HANDLER_URI',
  'DRACHTIO_UDP_MTU',
  'DRACHTIO_BLACKLIST_REDIS_ADDRESS',
  'DRACHTIO_BLACKLIST_REDIS_KEY',
];

/**
 * A bad environment variable is reported as `PBX_ERR_ENV_INVALID`, as every
 * service reports its variables; the value parsers are shared with the
 * command line, whose errors are `PBX_ERR_SIP_CLI_INVALID`.
 */
function fromEnv<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (!(err instanceof PBX_ERR_SIP_CLI_INVALID)) throw err;
    throw new PBX_ERR_ENV_INVALID(name, err.message.replace(`invalid ${name}: `, ''));
  }
}

/**
 * Reads drachtio-server's environment variables: `DRACHTIO_SECRET`,
 * `DRACHTIO_ADMIN_ADDRESS`, `DRACHTIO_ADMIN_TCP_PORT`, `DRACHTIO_LOGLEVEL`,
 * `DRACHTIO_PROMETHEUS_SCRAPE_PORT`, `DRACHTIO_USER_AGENT_OPTIONS_AUTO_RESPOND`,
 * `DRACHTIO_CONFIG_FILE_PATH`. Empty variables count as unset.
 */
export function envSettings(env: Readonly<Record<string, string | undefined>>): EnvSettings {
  const s: DrachtioSettings = {};
  const warnings: string[] = [];
  const get = (k: string): string | undefined => {
    const v = env[k];
    return v === undefined || v === '' ? undefined : v;
  };
  const secret = get('DRACHTIO_SECRET');
  if (secret !== undefined) s.secret = secret;
  const address = get('DRACHTIO_ADMIN_ADDRESS');
  if (address !== undefined) s.adminAddress = address.trim();
  const port = get('DRACHTIO_ADMIN_TCP_PORT');
  if (port !== undefined) s.adminPort = fromEnv('DRACHTIO_ADMIN_TCP_PORT', () => parsePort('DRACHTIO_ADMIN_TCP_PORT', port));
  const level = get('DRACHTIO_LOGLEVEL');
  if (level !== undefined) {
    const mapped = mapLogLevel(level);
    if (!mapped) {
      throw new PBX_ERR_ENV_INVALID('DRACHTIO_LOGLEVEL', `"${level}": valid choices are notice, error, warning, info, debug`);
    }
    s.logLevel = mapped;
  }
  const prom = get('DRACHTIO_PROMETHEUS_SCRAPE_PORT');
  if (prom !== undefined) s.metrics = fromEnv('DRACHTIO_PROMETHEUS_SCRAPE_PORT', () => parseHostPort('DRACHTIO_PROMETHEUS_SCRAPE_PORT', prom));
  const ua = get('DRACHTIO_USER_AGENT_OPTIONS_AUTO_RESPOND');
  if (ua !== undefined) s.optionsAutoRespond = [ua];
  for (const k of IGNORED) if (get(k) !== undefined) warnings.push(`${k} is not supported by this server; ignored`);
  const configFile = get('DRACHTIO_CONFIG_FILE_PATH');
  return configFile === undefined ? { settings: s, warnings } : { settings: s, configFile, warnings };
}

/**
 * Dragon PBX's own variables (`scripts/stack.sh` exports them for every
 * service): `DRACHTIO_PORT` (admin port), `SIP_PORT` (udp+tcp on all
 * interfaces), `METRICS_PORT`, `LOGLEVEL`. They only fill what neither the command line,
 * drachtio's variables nor the configuration file set, so a drop-in
 * drachtio command line means exactly what it means to drachtio-server.
 */
export function projectEnvSettings(env: Readonly<Record<string, string | undefined>>): DrachtioSettings {
  const s: DrachtioSettings = {};
  const get = (k: string): string | undefined => {
    const v = env[k];
    return v === undefined || v === '' ? undefined : v;
  };
  const admin = get('DRACHTIO_PORT');
  if (admin !== undefined) s.adminPort = fromEnv('DRACHTIO_PORT', () => parsePort('DRACHTIO_PORT', admin));
  const sip = get('SIP_PORT');
  if (sip !== undefined) {
    s.contacts = [{ protocols: ['udp', 'tcp'], host: '0.0.0.0', port: fromEnv('SIP_PORT', () => parsePort('SIP_PORT', sip)) }];
  }
  const metrics = get('METRICS_PORT');
  if (metrics !== undefined) s.metrics = { address: '0.0.0.0', port: fromEnv('METRICS_PORT', () => parsePort('METRICS_PORT', metrics)) };
  const level = get('LOGLEVEL');
  if (level !== undefined) {
    // The stack's pino level names; those we lack map to their nearest neighbour. Any other
    // value is the other services' business (they validate LOGLEVEL), so it is ignored here.
    const extra: Record<string, LogLevel> = { fatal: 'error', silent: 'error', trace: 'debug' };
    const mapped = mapLogLevel(level) ?? extra[level.trim().toLowerCase()];
    if (mapped) s.logLevel = mapped;
  }
  return s;
}
