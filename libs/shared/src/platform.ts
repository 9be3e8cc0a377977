// @dragonpbx/shared/platform: what every service process runs on: environment (env/),
// logger, metrics, tracing and the ops server (observability/), and the service runner (platform/).
// Loads pino, prom-client, fastify and the OTel SDK.
// One export line per module, sorted by path.
export { PBX_ERR_ENV_INVALID } from './env/env-invalid-error.js';
export { type EnvContext, SECRET_VARIABLES } from './env/env-spec.js';
export { type Env, type LogLevel, type DataSource, type OtelTracesExporter, LOG_LEVELS, DATA_SOURCES, OTEL_TRACES_EXPORTERS } from './env/env.js';
export type { HostPort } from './env/host-port.js';
export { loadEnv, loadEnvOrExit } from './env/load-env.js';
export { createLogger, callLogger, type LoggerOptions } from './observability/create-logger.js';
export { createMetrics, LATENCY_BUCKETS, type Metrics, type MetricsOptions } from './observability/create-metrics.js';
export { createOpsServer, type OpsServer, type OpsServerOptions, type ReadinessChecks } from './observability/create-ops-server.js';
export { REDACTED, REDACTED_BINDING_KEYS, REDACTED_KEYS, redactSecrets, redactText } from './observability/redact.js';
export { startTracing, type Tracing, type TracingOptions } from './observability/start-tracing.js';
// The service runner (./platform/*.ts) is exported below this line.
