import { LOG_LEVELS, OTEL_TRACES_EXPORTERS } from './env.js';
import { boolean, codecs, digestAlgorithms, instanceId, integer, oneOf, port, text, toInstanceId, url } from './env-parsers.js';
import { CONFIG_SOURCE_ENV } from './config-source-env-vars.js';
import { envVar } from './env-var.js';

/**
 * Variables every service reads (the shared base of each service's schema).
 * A service adds the groups it uses ({@link REDIS_ENV}, {@link NATS_ENV}, …)
 * and its own variables.
 */
export const BASE_ENV = Object.freeze({
  LOGLEVEL: envVar(oneOf(LOG_LEVELS), 'debug', 'pino log level (fatal, error, warn, info, debug, trace, silent).'),
  INSTANCE_ID: envVar(
    instanceId,
    (_e, ctx) => toInstanceId(`${ctx.hostname}-${ctx.pid}`),
    "This process's name in NATS subjects and Redis ownership records.",
    { defaultDoc: '`<hostname>-<pid>`' },
  ),
  METRICS_PORT: envVar<number | undefined>(
    port(true),
    undefined,
    'Port of `/healthz`, `/readyz` and `/metrics` (0 = ephemeral).',
    { defaultDoc: "the service's own port (see below)" },
  ),
  METRICS_HOST: envVar(text, '0.0.0.0', 'Address the ops server binds (probes come from the kubelet).'),
  SHUTDOWN_TIMEOUT_MS: envVar<number | undefined>(
    integer(100, 3_600_000),
    undefined,
    'Longest a SIGTERM/SIGINT drain and stop may take before the process exits 1.',
    { defaultDoc: "the service's own deadline (see below)" },
  ),
  OTEL_SERVICE_NAME: envVar<string | undefined>(text, undefined, 'OpenTelemetry service name.', {
    defaultDoc: 'the service name',
  }),
  OTEL_EXPORTER_OTLP_ENDPOINT: envVar<string | undefined>(
    url(['http', 'https']),
    undefined,
    'OTLP/HTTP collector base URL; unset means spans are not exported.',
  ),
  OTEL_TRACES_EXPORTER: envVar(
    oneOf(OTEL_TRACES_EXPORTERS),
    (e) => (e.OTEL_EXPORTER_OTLP_ENDPOINT ? 'otlp' : 'none'),
    'Trace exporter: otlp, console or none.',
    { defaultDoc: '`otlp` when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, else `none`' },
  ),
  OTEL_SDK_DISABLED: envVar(boolean, false, 'Turns the OpenTelemetry SDK off.'),
});

/** Services with Redis state. */
export const REDIS_ENV = Object.freeze({
  REDIS_URL: envVar(url(['redis', 'rediss']), 'redis://localhost:6379', 'Redis connection URL (`redis:` or `rediss:`).'),
});

/** Services on NATS. */
export const NATS_ENV = Object.freeze({
  NATS_URL: envVar(url(['nats', 'tls', 'ws', 'wss']), 'nats://127.0.0.1:4222', 'NATS server URL(s), comma separated.'),
  NATS_SUBJECT_PREFIX: envVar(
    text,
    '',
    'Prefix of every NATS subject (`<prefix>.dragon.…`), to isolate a deployment, tenant or test sharing NATS.',
    { defaultDoc: 'none', aliases: ['HOOK_SUBJECT_PREFIX'] },
  ),
});

/** drachtio applications (registrar, call-router): where the SIP server's admin port is. */
export const DRACHTIO_ENV = Object.freeze({
  DRACHTIO_HOST: envVar(text, 'localhost', 'SIP server (drachtio) control host.'),
  DRACHTIO_PORT: envVar(port(), 9022, 'SIP server (drachtio) control port.'),
  DRACHTIO_SECRET: envVar(text, 'cymru', 'SIP server (drachtio) shared secret.', { secret: true }),
});

/** Services that make webhook calls. */
export const WEBHOOK_ENV = Object.freeze({
  HOOK_SIGNING_SECRET: envVar<string | undefined>(
    text,
    undefined,
    'Standard Webhooks signing secret; unset means hooks go unsigned.',
    { secret: true },
  ),
  HOOK_TIMEOUT_MS: envVar(integer(1, 600_000), 3000, 'Timeout of every webhook request, ms.'),
});

/** SIP user agent servers that challenge with digest (registrar, call-router). */
export const DIGEST_ENV = Object.freeze({
  NONCE_LIFETIME_SECS: envVar(integer(1, 31_536_000), 300, 'After this a nonce is stale, seconds.'),
  DIGEST_ALGORITHMS: envVar(
    digestAlgorithms,
    ['SHA-256', 'MD5'],
    'Challenges offered, most preferred first (RFC 8760). UAs that only try the topmost challenge (SIPp 3.6, some old phones) need `MD5,SHA-256`.',
  ),
  DEFAULT_CODECS: envVar(codecs, ['G722', 'PCMA', 'PCMU'], 'Codecs of a phone or trunk that names none: a RegHook answer, client or trunk without `codecs` (JSON array or comma list).'),
});

/**
 * The drachtio applications that route calls and registrations (registrar,
 * call-router): Redis state under a key prefix, NATS, the SIP server's admin
 * port, a configuration backend, webhooks and digest challenges.
 */
export const SIP_APP_ENV = Object.freeze({
  ...REDIS_ENV,
  ...NATS_ENV,
  ...DRACHTIO_ENV,
  ...CONFIG_SOURCE_ENV,
  ...WEBHOOK_ENV,
  ...DIGEST_ENV,
  REDIS_KEY_PREFIX: envVar(text, '', 'Prefix of every Redis key, to isolate a deployment (or a test) sharing Redis.', {
    defaultDoc: 'none',
  }),
});
