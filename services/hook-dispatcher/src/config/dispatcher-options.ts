import { PBX_ERR_HOOK_CONFIG_INVALID } from '../errors.js';

/** Tunables of one dispatcher replica. Every replica of a deployment must use the same names. */
export interface DispatcherOptions {
  /**
   * NATS subject prefix (tests isolate themselves with it); subjects are
   * `<prefix>.dragon.status.>` or `dragon.status.>` without one.
   * @defaultValue `''`
   */
  subjectPrefix: string;
  /** JetStream stream holding call events. @defaultValue `'DRAGON_STATUS'` */
  streamName: string;
  /** Durable consumer shared by all replicas. @defaultValue `'hook-dispatcher'` */
  consumerName: string;
  /** BullMQ queue name. @defaultValue `'statushook'` */
  queueName: string;
  /** Redis key prefix for BullMQ and the call sequencer. @defaultValue `'dragon:hooks'` */
  keyPrefix: string;
  /** Signing secret (`whsec_<base64>` or plain text); unsigned when empty. @defaultValue `''` */
  signingSecret: string;
  /** Delivery attempts before dead-lettering (first try included). @defaultValue 12 */
  maxAttempts: number;
  /** First retry delay before jitter, ms; doubles per attempt. @defaultValue 1000 */
  backoffBaseMs: number;
  /** Longest retry delay, ms (also caps `Retry-After`). @defaultValue 300000 */
  backoffMaxMs: number;
  /** HTTP request timeout per attempt, ms. @defaultValue 5000 */
  requestTimeoutMs: number;
  /** Jobs in progress per replica. @defaultValue 64 */
  concurrency: number;
  /** Requests in flight per destination host per replica; must be below `concurrency`. @defaultValue 16 */
  hostConcurrency: number;
  /** How long an out-of-order event waits for its predecessor, ms. @defaultValue 2000 */
  reorderWindowMs: number;
  /** Worker lock; a killed replica's jobs are taken over after about this long, ms. @defaultValue 30000 */
  lockDurationMs: number;
  /** NATS messages being moved into the queue at once per replica. @defaultValue 256 */
  intakeConcurrency: number;
  /** How long per-call ordering state is kept after its last event, seconds. @defaultValue 604800 (7 days) */
  callStateTtlSec: number;
  /** Stream limit: oldest event age, ms. @defaultValue 86400000 (24 h) */
  streamMaxAgeMs: number;
  /** Stream limit: total bytes. @defaultValue 1073741824 (1 GiB) */
  streamMaxBytes: number;
  /** Stream replicas (NATS cluster). @defaultValue 1 */
  streamReplicas: number;
}

/** Documented defaults of {@link DispatcherOptions}. */
export const DEFAULT_DISPATCHER_OPTIONS: Readonly<DispatcherOptions> = Object.freeze({
  subjectPrefix: '',
  streamName: 'DRAGON_STATUS',
  consumerName: 'hook-dispatcher',
  queueName: 'statushook',
  keyPrefix: 'dragon:hooks',
  signingSecret: '',
  maxAttempts: 12,
  backoffBaseMs: 1000,
  backoffMaxMs: 300_000,
  requestTimeoutMs: 5000,
  concurrency: 64,
  hostConcurrency: 16,
  reorderWindowMs: 2000,
  lockDurationMs: 30_000,
  intakeConcurrency: 256,
  callStateTtlSec: 7 * 24 * 3600,
  streamMaxAgeMs: 24 * 3600 * 1000,
  streamMaxBytes: 1024 ** 3,
  streamReplicas: 1,
});

const INT_RANGES: Partial<Record<keyof DispatcherOptions, [number, number]>> = {
  maxAttempts: [1, 100],
  backoffBaseMs: [1, 3_600_000],
  backoffMaxMs: [1, 86_400_000],
  requestTimeoutMs: [10, 600_000],
  concurrency: [1, 10_000],
  hostConcurrency: [1, 10_000],
  reorderWindowMs: [0, 600_000],
  lockDurationMs: [500, 3_600_000],
  intakeConcurrency: [1, 10_000],
  callStateTtlSec: [60, 365 * 24 * 3600],
  streamMaxAgeMs: [1000, 365 * 24 * 3600 * 1000],
  streamMaxBytes: [1024 * 1024, 2 ** 50],
  streamReplicas: [1, 5],
};

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Merges `input` over the defaults, validates once and freezes. Throws `PBX_ERR_HOOK_CONFIG_INVALID`. */
export function resolveDispatcherOptions(input: Partial<DispatcherOptions> = {}): Readonly<DispatcherOptions> {
  const o: DispatcherOptions = { ...DEFAULT_DISPATCHER_OPTIONS };
  for (const [k, v] of Object.entries(input)) {
    if (v !== undefined) (o as unknown as Record<string, unknown>)[k] = v;
  }
  for (const [key, [min, max]] of Object.entries(INT_RANGES) as [keyof DispatcherOptions, [number, number]][]) {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw new PBX_ERR_HOOK_CONFIG_INVALID(key, `expected an integer in ${min}..${max}, got ${String(v)}`);
    }
  }
  for (const key of ['streamName', 'consumerName', 'queueName'] as const) {
    if (!NAME.test(o[key])) throw new PBX_ERR_HOOK_CONFIG_INVALID(key, `must match ${NAME}`);
  }
  if (!/^[A-Za-z0-9_:.-]{1,100}$/.test(o.keyPrefix)) throw new PBX_ERR_HOOK_CONFIG_INVALID('keyPrefix', 'bad characters');
  if (o.subjectPrefix !== '' && !/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(o.subjectPrefix)) {
    throw new PBX_ERR_HOOK_CONFIG_INVALID('subjectPrefix', 'must be dot-separated [A-Za-z0-9_-] tokens');
  }
  if (o.hostConcurrency > o.concurrency) {
    throw new PBX_ERR_HOOK_CONFIG_INVALID('hostConcurrency', 'must not exceed concurrency');
  }
  if (o.backoffMaxMs < o.backoffBaseMs) throw new PBX_ERR_HOOK_CONFIG_INVALID('backoffMaxMs', 'below backoffBaseMs');
  if (typeof o.signingSecret !== 'string') throw new PBX_ERR_HOOK_CONFIG_INVALID('signingSecret', 'must be a string');
  return Object.freeze(o);
}
