import type { HostPort } from './host-port.js';

/** pino log levels, plus `silent`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where the domain/client/trunk configuration comes from. */
export const DATA_SOURCES = ['json', 'api', 'pg'] as const;
export type DataSource = (typeof DATA_SOURCES)[number];

/** Trace exporters we ship. */
export const OTEL_TRACES_EXPORTERS = ['otlp', 'console', 'none'] as const;
export type OtelTracesExporter = (typeof OTEL_TRACES_EXPORTERS)[number];

/**
 * The process environment, parsed and validated once by `loadEnv` and frozen.
 * Keys are the variable names. An empty variable (`FOO=`) counts as unset.
 * Defaults follow the original Dragon PBX where they mean something.
 */
export interface Env {
  /** drachtio (SIP server) control host. @defaultValue `localhost` */
  readonly DRACHTIO_HOST: string;
  /** drachtio control port. @defaultValue `9022` */
  readonly DRACHTIO_PORT: number;
  /** drachtio shared secret. @defaultValue `cymru` */
  readonly DRACHTIO_SECRET: string;
  /** RTPEngine ng host. @defaultValue the value of `DRACHTIO_HOST` */
  readonly RTPENGINE_HOST: string;
  /**
   * RTPEngine ng port. The original's docs say 2223, but its Debian package and
   * our local stack run RTPEngine on 22222, so that is the default that works.
   * @defaultValue `22222`
   */
  readonly RTPENGINE_PORT: number;
  /** The RTPEngine pool, `host:port,…`. @defaultValue `[{host: RTPENGINE_HOST, port: RTPENGINE_PORT}]` */
  readonly RTPENGINE_HOSTS: readonly HostPort[];
  /** Redis connection URL (`redis:` or `rediss:`). @defaultValue `redis://localhost:6379` */
  readonly REDIS_URL: string;
  /**
   * Configuration backend. The original defaults to `api`, which needs a
   * dragonpbx-ui server; `json` runs out of the box from `CONFIG_FILE`.
   * @defaultValue `json`
   */
  readonly DATA_SOURCE: DataSource;
  /** API backend feed URL. @defaultValue `http://127.0.0.1:1337/api/v1/domains` */
  readonly CONFIG_URL: string;
  /** API backend bearer token. @defaultValue unset */
  readonly CONFIG_TOKEN: string | undefined;
  /** API backend poll interval in seconds. @defaultValue `60` */
  readonly CONFIG_TTL: number;
  /** JSON backend file; relative to the working directory. @defaultValue `config/config.json` */
  readonly CONFIG_FILE: string;
  /** PostgreSQL host (pg backend). @defaultValue `localhost` */
  readonly DB_HOST: string;
  /** PostgreSQL port. @defaultValue `5432` */
  readonly DB_PORT: number;
  /** PostgreSQL user. @defaultValue `postgres` */
  readonly DB_USER: string;
  /** PostgreSQL password; the original's `my_password` placeholder is not kept. @defaultValue unset */
  readonly DB_PASSWORD: string | undefined;
  /** PostgreSQL database. @defaultValue `dragonpbx` */
  readonly DB_NAME: string;
  /** pino level. @defaultValue `debug` */
  readonly LOGLEVEL: LogLevel;
  /** Base directory of `file:` media (absolute). @defaultValue `<cwd>/media` */
  readonly MEDIA_PATH: string;
  /** Base directory of `file:` CallHook templates (absolute). @defaultValue `<cwd>` */
  readonly FILE_PATH: string;
  /** Codecs used when a RegHook answer or destination gives none. @defaultValue `["G722","PCMA","PCMU"]` */
  readonly DEFAULT_CODECS: readonly string[];
  /** Ringback played while a connect rings. @defaultValue `file:/uk.wav` */
  readonly DEFAULT_RINGTONE: string;
  /** Lower clamp of a granted registration, seconds. @defaultValue `30` */
  readonly REGISTRATION_MIN_SECS: number;
  /** Upper clamp of a granted registration, seconds. @defaultValue `3600` */
  readonly REGISTRATION_MAX_SECS: number;
  /** How often the trunk-registration list is reloaded, seconds. @defaultValue `60` */
  readonly REGTRUNKREFRESH: number;
  /** Expires requested on trunk REGISTERs, seconds. @defaultValue `3600` */
  readonly REGTRUNKEXPIRES: number;
  /** Trunk OPTIONS keepalive interval, seconds. @defaultValue `30` */
  readonly OPTIONSPINGINTERVAL: number;
  /** HTTP (REST API) port. @defaultValue `2999` */
  readonly WEBPORT: number;
  /** NATS server URL. @defaultValue `nats://127.0.0.1:4222` */
  readonly NATS_URL: string;
  /** Standard Webhooks signing secret; unset means hooks go unsigned. @defaultValue unset */
  readonly HOOK_SIGNING_SECRET: string | undefined;
  /** Timeout of every webhook request, ms (the original's fixed 3 s). @defaultValue `3000` */
  readonly HOOK_TIMEOUT_MS: number;
  /** Bearer token of the REST API; unset means loopback only. @defaultValue unset */
  readonly API_TOKEN: string | undefined;
  /** SIP listening port of the SIP server. @defaultValue `5060` */
  readonly SIP_PORT: number;
  /** Prometheus `/metrics` port; unset means each service's own default. @defaultValue unset */
  readonly METRICS_PORT: number | undefined;
  /** This process's name in NATS subjects and Redis ownership records. @defaultValue `<hostname>-<pid>` */
  readonly INSTANCE_ID: string;
  /** OpenTelemetry service name; unset means each service names itself. @defaultValue unset */
  readonly OTEL_SERVICE_NAME: string | undefined;
  /** OTLP/HTTP collector base URL. @defaultValue unset */
  readonly OTEL_EXPORTER_OTLP_ENDPOINT: string | undefined;
  /**
   * Trace exporter. Exporting to a collector that is not there only makes
   * noise, so without an endpoint nothing is exported.
   * @defaultValue `otlp` when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, else `none`
   */
  readonly OTEL_TRACES_EXPORTER: OtelTracesExporter;
  /** Turns the OpenTelemetry SDK off. @defaultValue `false` */
  readonly OTEL_SDK_DISABLED: boolean;
}
