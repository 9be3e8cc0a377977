// @dragonpbx/shared/platform: what every service process runs on: environment (env/),
// logger, metrics, tracing and the ops server (observability/), and the service runner (platform/).
// Loads pino, prom-client, fastify and the OTel SDK.
// One export line per module, sorted by path.
export { BASE_ENV, DIGEST_ENV, DRACHTIO_ENV, NATS_ENV, REDIS_ENV, SIP_APP_ENV, WEBHOOK_ENV } from './env/base-env.js';
export { CONFIG_SOURCE_ENV } from './env/config-source-env-vars.js';
export { PBX_ERR_ENV_INVALID } from './env/env-invalid-error.js';
export type { EnvContext } from './env/env-context.js';
export { type LogLevel, type DataSource, type OtelTracesExporter, LOG_LEVELS, DATA_SOURCES, OTEL_TRACES_EXPORTERS } from './env/env.js';
export type { HostPort } from './env/host-port.js';
export * as envParsers from './env/env-parsers.js';
export { envVar, type EnvOf, type EnvSchema, type EnvVar } from './env/env-var.js';
export { parseEnv } from './env/parse-env.js';
export { createLogger, callLogger, type LoggerOptions } from './observability/create-logger.js';
export { createMetrics, LATENCY_BUCKETS, type Metrics, type MetricsOptions } from './observability/create-metrics.js';
export { addOpsRoutes, createOpsServer, type OpsServer, type OpsServerOptions, type ReadinessChecks } from './observability/create-ops-server.js';
export { REDACTED, REDACTED_BINDING_KEYS, REDACTED_KEYS, redactSecrets, redactText } from './observability/redact.js';
export { startTracing, type Tracing, type TracingOptions } from './observability/start-tracing.js';
export { contextFromTraceparent, extractTraceContext as extractTraceContextFrom, formatTraceparent, injectTraceContext, isTraceparent, recordSetter, TRACEPARENT_HEADER } from './observability/trace-context.js';
export { inSpan, type InSpanOptions, spansExported } from './observability/tracer.js';
// The service runner (./platform/*.ts) is exported below this line.
export { PBX_ERR_INFRA_UNDECLARED, PBX_ERR_SHUTDOWN_TIMEOUT, PBX_ERR_START_FAILED } from './platform/platform-errors.js';
export { runService, type RunningService, type RunServiceIo } from './platform/run-service.js';
export type { OpsOverride, ServiceContext, ServiceDefinition, ServiceEnv, ServiceHandle } from './platform/service-definition.js';
export { ServiceExit } from './platform/service-exit.js';
export { createInfra, STATE_MAX_RETRIES, type ClosableInfra, type RedisPurpose, type ServiceInfra, type ServiceRedisOptions } from './platform/service-infra.js';
export { DEFAULT_SHUTDOWN_TIMEOUT_MS, runShutdown, type ShutdownOptions, type ShutdownStep } from './platform/shutdown.js';
export { atTurnEnd } from './platform/turn-end.js';
