/** pino log levels, plus `silent`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where the domain/client/trunk configuration comes from. */
export const DATA_SOURCES = ['json', 'api', 'pg'] as const;
export type DataSource = (typeof DATA_SOURCES)[number];

/** Trace exporters we ship. */
export const OTEL_TRACES_EXPORTERS = ['otlp', 'console', 'none'] as const;
export type OtelTracesExporter = (typeof OTEL_TRACES_EXPORTERS)[number];
