import {
  DiscardPolicy,
  type JetStreamManager,
  NatsError,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
  type StreamInfo,
  nanos,
} from 'nats';
import { PBX_ERR_NATS_STREAM } from './nats-errors.js';

/** Retention limits of a stream; omitted limits are unlimited. */
export interface StreamLimits {
  /** Drop messages older than this (ms). @defaultValue 0 (unlimited) */
  maxAgeMs?: number;
  /** @defaultValue -1 (unlimited) */
  maxMsgs?: number;
  /** @defaultValue -1 (unlimited) */
  maxBytes?: number;
  /** @defaultValue -1 (unlimited) */
  maxMsgSize?: number;
  /**
   * De-duplication window for `Nats-Msg-Id` (ms); JetStream requires it to be
   * no longer than `maxAgeMs`.
   * @defaultValue 120000 (the server default), capped at `maxAgeMs`
   */
  duplicateWindowMs?: number;
}

/** Options of {@link ensureStream}. */
export interface EnsureStreamOptions {
  name: string;
  subjects: string[];
  limits?: StreamLimits;
  /** @defaultValue `'file'` */
  storage?: 'file' | 'memory';
  /** @defaultValue `'limits'` */
  retention?: 'limits' | 'workqueue' | 'interest';
  /** @defaultValue 1 */
  replicas?: number;
  /**
   * What a full stream does with a new message: `'old'` drops the oldest,
   * `'new'` refuses the publish (for streams where losing a message is worse
   * than a publisher error).
   * @defaultValue `'old'`
   */
  discard?: 'old' | 'new';
}

/** What {@link ensureStream} did. */
export type EnsureStreamOutcome = 'created' | 'updated' | 'unchanged';

/**
 * Creates the stream, or updates it when its config differs from `options`.
 * Safe to call from every replica at boot: the second call is a no-op.
 *
 * @throws PBX_ERR_NATS_STREAM when JetStream refuses (e.g. subjects overlap another stream)
 */
export async function ensureStream(
  jsm: JetStreamManager,
  options: EnsureStreamOptions,
): Promise<{ outcome: EnsureStreamOutcome; info: StreamInfo }> {
  const wanted = toConfig(options);
  let current: StreamInfo | undefined;
  try {
    current = await jsm.streams.info(options.name);
  } catch (err) {
    if (!isNotFound(err)) throw new PBX_ERR_NATS_STREAM(options.name, (err as Error).message, err as Error);
  }
  try {
    if (!current) return { outcome: 'created', info: await jsm.streams.add(wanted) };
    if (sameConfig(current.config, wanted)) return { outcome: 'unchanged', info: current };
    // storage and retention cannot change on a live stream; JetStream rejects that with a clear error.
    return { outcome: 'updated', info: await jsm.streams.update(options.name, wanted) };
  } catch (err) {
    throw new PBX_ERR_NATS_STREAM(options.name, (err as Error).message, err as Error);
  }
}

function toConfig(o: EnsureStreamOptions): Partial<StreamConfig> & { name: string } {
  const l = o.limits ?? {};
  return {
    name: o.name,
    subjects: [...o.subjects],
    storage: o.storage === 'memory' ? StorageType.Memory : StorageType.File,
    retention:
      o.retention === 'workqueue'
        ? RetentionPolicy.Workqueue
        : o.retention === 'interest'
          ? RetentionPolicy.Interest
          : RetentionPolicy.Limits,
    discard: o.discard === 'new' ? DiscardPolicy.New : DiscardPolicy.Old,
    num_replicas: o.replicas ?? 1,
    max_age: nanos(l.maxAgeMs ?? 0),
    max_msgs: l.maxMsgs ?? -1,
    max_bytes: l.maxBytes ?? -1,
    max_msg_size: l.maxMsgSize ?? -1,
    duplicate_window: nanos(l.duplicateWindowMs ?? (l.maxAgeMs ? Math.min(120_000, l.maxAgeMs) : 120_000)),
  };
}

const COMPARED = [
  'storage',
  'retention',
  'discard',
  'num_replicas',
  'max_age',
  'max_msgs',
  'max_bytes',
  'max_msg_size',
  'duplicate_window',
] as const;

function sameConfig(have: StreamConfig, want: Partial<StreamConfig>): boolean {
  const a = [...(have.subjects ?? [])].sort().join('\n');
  const b = [...(want.subjects ?? [])].sort().join('\n');
  if (a !== b) return false;
  return COMPARED.every((k) => have[k] === want[k]);
}

function isNotFound(err: unknown): boolean {
  if (!(err instanceof NatsError)) return false;
  // 10059 = JSStreamNotFoundErr in the JetStream API error table.
  return err.api_error?.err_code === 10059 || err.code === '404';
}
