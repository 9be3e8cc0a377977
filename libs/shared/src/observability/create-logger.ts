import { context, trace } from '@opentelemetry/api';
import { type DestinationStream, type Level, type Logger, pino } from 'pino';
import { REDACTED, REDACTED_BINDING_KEYS, redactSecrets, redactText } from './redact.js';

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Service name, bound to every line as `service`. */
  service: string;
  /**
   * Minimum level (`LOGLEVEL`).
   * @defaultValue `'info'`
   */
  level?: Level | 'silent';
  /**
   * Where lines go.
   * @defaultValue stdout
   */
  destination?: DestinationStream;
}

/**
 * A pino JSON logger. Every object logged is passed through
 * {@link redactSecrets} and every message through {@link redactText}, so
 * passwords, Authorization headers, digest responses and secrets never appear
 * whatever shape the caller logs.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: [...REDACTED_BINDING_KEYS], censor: REDACTED },
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (b) => redactSecrets(b) as Record<string, unknown>,
        log: (obj) => redactSecrets(obj) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          // Interpolated messages may carry raw SIP text.
          const masked = args.map((a) => (typeof a === 'string' ? redactText(a) : a)) as typeof args;
          method.apply(this, masked);
        },
      },
    },
    options.destination ?? pino.destination(1),
  );
}

/**
 * A child logger bound to one call: `callId`, and `traceId`/`spanId` of the
 * active span (or the given `traceId`) so logs and traces join up.
 */
export function callLogger(parent: Logger, callId: string, bindings: Record<string, unknown> = {}): Logger {
  const span = trace.getSpanContext(context.active());
  const ids = span && trace.isSpanContextValid(span) ? { traceId: span.traceId, spanId: span.spanId } : {};
  return parent.child({ callId, ...ids, ...bindings });
}
