import { hostname } from 'node:os';
import { DATA_SOURCES, type Env, LOG_LEVELS, OTEL_TRACES_EXPORTERS } from './env.js';
import {
  boolean,
  codecs,
  type EnvParser,
  hostPorts,
  instanceId,
  integer,
  mediaUrl,
  oneOf,
  path,
  port,
  text,
  toInstanceId,
  url,
} from './env-parsers.js';

/** How one variable is parsed, and its value when unset. */
export interface EnvField<T> {
  readonly parse: EnvParser<T>;
  /** A value, or a function of the variables declared before this one. */
  readonly fallback: T | ((earlier: Partial<Env>) => T);
}

/** Process facts the defaults depend on; passed in so tests control them. */
export interface EnvContext {
  readonly cwd: string;
  readonly hostname: string;
  readonly pid: number;
}

/** The live process's context. */
export function processContext(): EnvContext {
  return { cwd: process.cwd(), hostname: hostname(), pid: process.pid };
}

const f = <T>(parse: EnvParser<T>, fallback: EnvField<T>['fallback']): EnvField<T> => ({ parse, fallback });
const seconds = integer(1, 31_536_000);

/**
 * Every variable, in dependency order (a default may read earlier ones).
 * Defaults are documented on {@link Env}.
 */
export function envSpec(ctx: EnvContext): { readonly [K in keyof Env]: EnvField<Env[K]> } {
  return {
    DRACHTIO_HOST: f(text, 'localhost'),
    DRACHTIO_PORT: f(port(), 9022),
    DRACHTIO_SECRET: f(text, 'cymru'),
    RTPENGINE_HOST: f(text, (e) => e.DRACHTIO_HOST ?? 'localhost'),
    RTPENGINE_PORT: f(port(), 22222),
    RTPENGINE_HOSTS: f(hostPorts, (e) => [
      { host: e.RTPENGINE_HOST ?? 'localhost', port: e.RTPENGINE_PORT ?? 22222 },
    ]),
    REDIS_URL: f(url(['redis', 'rediss']), 'redis://localhost:6379'),
    DATA_SOURCE: f(oneOf(DATA_SOURCES), 'json'),
    CONFIG_URL: f(url(['http', 'https']), 'http://127.0.0.1:1337/api/v1/domains'),
    CONFIG_TOKEN: f<string | undefined>(text, undefined),
    CONFIG_TTL: f(seconds, 60),
    CONFIG_FILE: f(path(ctx.cwd), path(ctx.cwd)('config/config.json')),
    DB_HOST: f(text, 'localhost'),
    DB_PORT: f(port(), 5432),
    DB_USER: f(text, 'postgres'),
    DB_PASSWORD: f<string | undefined>(text, undefined),
    DB_NAME: f(text, 'dragonpbx'),
    LOGLEVEL: f(oneOf(LOG_LEVELS), 'debug'),
    MEDIA_PATH: f(path(ctx.cwd), path(ctx.cwd)('media')),
    FILE_PATH: f(path(ctx.cwd), ctx.cwd),
    DEFAULT_CODECS: f(codecs, ['G722', 'PCMA', 'PCMU']),
    DEFAULT_RINGTONE: f(mediaUrl, 'file:/uk.wav'),
    REGISTRATION_MIN_SECS: f(seconds, 30),
    REGISTRATION_MAX_SECS: f(seconds, 3600),
    REGTRUNKREFRESH: f(seconds, 60),
    REGTRUNKEXPIRES: f(seconds, 3600),
    OPTIONSPINGINTERVAL: f(seconds, 30),
    WEBPORT: f(port(true), 2999),
    NATS_URL: f(url(['nats', 'tls', 'ws', 'wss']), 'nats://127.0.0.1:4222'),
    HOOK_SIGNING_SECRET: f<string | undefined>(text, undefined),
    HOOK_TIMEOUT_MS: f(integer(1, 600_000), 3000),
    API_TOKEN: f<string | undefined>(text, undefined),
    SIP_PORT: f(port(true), 5060),
    METRICS_PORT: f<number | undefined>(port(true), undefined),
    INSTANCE_ID: f(instanceId, toInstanceId(`${ctx.hostname}-${ctx.pid}`)),
    OTEL_SERVICE_NAME: f<string | undefined>(text, undefined),
    OTEL_EXPORTER_OTLP_ENDPOINT: f<string | undefined>(url(['http', 'https']), undefined),
    OTEL_TRACES_EXPORTER: f(oneOf(OTEL_TRACES_EXPORTERS), (e) =>
      e.OTEL_EXPORTER_OTLP_ENDPOINT ? 'otlp' : 'none',
    ),
    OTEL_SDK_DISABLED: f(boolean, false),
  };
}

/** Variables whose values must never appear in an error message or log. */
export const SECRET_VARIABLES: ReadonlySet<string> = new Set([
  'DRACHTIO_SECRET',
  'CONFIG_TOKEN',
  'DB_PASSWORD',
  'HOOK_SIGNING_SECRET',
  'API_TOKEN',
]);
