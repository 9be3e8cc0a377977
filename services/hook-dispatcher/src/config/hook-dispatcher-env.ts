import { BASE_ENV, envParsers, envVar, NATS_ENV, REDIS_ENV, WEBHOOK_ENV } from '@dragonpbx/shared/platform';
import { DEFAULT_DISPATCHER_OPTIONS as D } from './dispatcher-options.js';

const { integer, port, text } = envParsers;

// Same rules resolveDispatcherOptions applies, checked here so a bad variable is
// reported under its own name with the one env error code.
const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const name = (raw: string): string => {
  const s = raw.trim();
  if (!NAME.test(s)) throw new TypeError(`expected 1-64 letters, digits, "_" or "-", got ${JSON.stringify(raw)}`);
  return s;
};
const keyPrefix = (raw: string): string => {
  const s = raw.trim();
  if (!/^[A-Za-z0-9_:.-]{1,100}$/.test(s)) throw new TypeError(`expected 1-100 of [A-Za-z0-9_:.-], got ${JSON.stringify(raw)}`);
  return s;
};
const int = (min: number, max: number, fallback: number, doc: string) =>
  envVar<number | undefined>(integer(min, max), undefined, doc, { defaultDoc: `\`${fallback}\`` });
const word = (parse: (raw: string) => string, fallback: string, doc: string) =>
  envVar<string | undefined>(parse, undefined, doc, { defaultDoc: `\`${fallback}\`` });

/** The `HOOK_*` tunables of the dispatcher (unset = the option's documented default). */
export const HOOK_OPTION_ENV = Object.freeze({
  HOOK_MAX_ATTEMPTS: int(1, 100, D.maxAttempts, 'Delivery attempts before dead-lettering (first try included).'),
  HOOK_BACKOFF_BASE_MS: int(1, 3_600_000, D.backoffBaseMs, 'First retry delay before jitter, ms; doubles per attempt.'),
  HOOK_BACKOFF_MAX_MS: int(1, 86_400_000, D.backoffMaxMs, 'Longest retry delay, ms (also caps `Retry-After`).'),
  HOOK_CONCURRENCY: int(1, 10_000, D.concurrency, 'Deliveries in progress per replica.'),
  HOOK_HOST_CONCURRENCY: int(1, 10_000, D.hostConcurrency, 'Requests in flight per destination host per replica.'),
  HOOK_REORDER_WINDOW_MS: int(0, 600_000, D.reorderWindowMs, 'How long an out-of-order event waits for its predecessor, ms.'),
  HOOK_LOCK_MS: int(500, 3_600_000, D.lockDurationMs, "Worker lock, ms; a killed replica's jobs are taken over after about this long."),
  HOOK_INTAKE_CONCURRENCY: int(1, 10_000, D.intakeConcurrency, 'Stream messages being staged (or delivered directly) at once per replica; batches of up to 256.'),
  HOOK_STREAM_MAX_AGE_MS: int(1000, 365 * 24 * 3600 * 1000, D.streamMaxAgeMs, 'Stream limit: oldest event age, ms.'),
  HOOK_STREAM_MAX_BYTES: int(1024 * 1024, 2 ** 50, D.streamMaxBytes, 'Stream limit: total bytes.'),
  HOOK_STREAM_REPLICAS: int(1, 5, D.streamReplicas, 'Stream replicas (NATS cluster).'),
  HOOK_STREAM: word(name, D.streamName, 'JetStream stream holding call events.'),
  HOOK_CONSUMER: word(name, D.consumerName, 'Durable consumer shared by all replicas.'),
  HOOK_QUEUE: word(name, D.queueName, 'BullMQ queue name.'),
  HOOK_KEY_PREFIX: word(keyPrefix, D.keyPrefix, 'Redis key prefix (`<prefix>:bull:*`, `<prefix>:call:{id}:*`, `<prefix>:dlq*`).'),
});

/**
 * The hook-dispatcher's variables, on top of the shared base. The ops server
 * (`/healthz`, `/readyz`, `/metrics`, `/deadletters`) keeps its older names
 * `HOOK_HTTP_PORT` / `HOOK_HTTP_HOST` as aliases.
 */
export const HOOK_DISPATCHER_ENV = Object.freeze({
  ...REDIS_ENV,
  ...NATS_ENV,
  ...WEBHOOK_ENV,
  METRICS_PORT: envVar<number | undefined>(port(true), undefined, BASE_ENV.METRICS_PORT.doc, {
    defaultDoc: '`3004`',
    aliases: ['HOOK_HTTP_PORT'],
  }),
  METRICS_HOST: envVar(text, '0.0.0.0', BASE_ENV.METRICS_HOST.doc, { aliases: ['HOOK_HTTP_HOST'] }),
  API_TOKEN: envVar<string | undefined>(
    text,
    undefined,
    'Bearer token of `/deadletters`; unset means loopback clients only.',
    { secret: true },
  ),
  ...HOOK_OPTION_ENV,
});
