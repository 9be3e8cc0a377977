import type { LogLevel, SipTimerOptions } from '../server-options.js';
import type { PolicySource } from '../policy/compile-policy.js';
import type { ContactSpec } from './contact-spec.js';

/**
 * One layer of settings (command line, environment or config file) in
 * drachtio-server's vocabulary. Absent fields fall through to the next layer:
 * command line > environment > file > built-in defaults.
 */
export interface DrachtioSettings {
  adminAddress?: string;
  adminPort?: number;
  secret?: string;
  contacts?: ContactSpec[];
  logLevel?: LogLevel;
  timers?: Partial<SipTimerOptions>;
  spammers?: PolicySource['spammers'];
  optionsAutoRespond?: string[];
  /** `<cdrs>true</cdrs>`: send CDR frames to apps that route `cdr:*`. */
  cdrs?: boolean;
  /** `--app-auth-timeout` (ms). */
  adminAuthTimeout?: number;
  /** `--tcp-message-timeout` (ms, 0 = off). */
  tcpMessageTimeout?: number;
  /** `--tcp-max-connections-per-address` (0 = no cap). */
  tcpMaxConnectionsPerAddress?: number;
  /** Prometheus scrape listener (`--prometheus-scrape-port [host:]port`, `<monitoring><prometheus>`). */
  metrics?: { address: string; port: number };
}

/** drachtio-server log levels → ours (`notice` has no pino twin; it is informational). */
const LEVELS: Record<string, LogLevel> = {
  error: 'error',
  warning: 'warn',
  warn: 'warn',
  notice: 'info',
  info: 'info',
  debug: 'debug',
};

/** Maps a drachtio log level name; `undefined` when it is not one. */
export function mapLogLevel(name: string): LogLevel | undefined {
  return LEVELS[name.trim().toLowerCase()];
}
