import { PBX_ERR_MEDIA_OPTIONS } from '@dragonpbx/shared/contracts';
import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { PLACEMENTS, type Placement } from './engine/placement.js';

const OptionsSchema = Type.Object(
  {
    engines: Type.Array(
      Type.Object({ host: Type.String({ minLength: 1 }), port: Type.Integer({ minimum: 1, maximum: 65535 }) }),
      { minItems: 1 },
    ),
    subjectPrefix: Type.Optional(Type.String()),
    keyPrefix: Type.Optional(Type.String({ pattern: '^[^{}\\s]*$' })),
    queue: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]+$' })),
    ngTimeoutMs: Type.Optional(Type.Integer({ minimum: 10, maximum: 60_000 })),
    healthIntervalMs: Type.Optional(Type.Integer({ minimum: 50, maximum: 600_000 })),
    affinityTtlSec: Type.Optional(Type.Integer({ minimum: 1, maximum: 7 * 86_400 })),
    placement: Type.Optional(Type.Union(PLACEMENTS.map((p) => Type.Literal(p)))),
    deleteDelaySec: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })),
    affinityCacheSize: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
  },
  { additionalProperties: false },
);

/** Options of a MediaController, as given. */
export type MediaControllerInput = Static<typeof OptionsSchema>;

/** Options of a MediaController with every default applied; frozen. */
export interface MediaControllerOptions {
  /** The RTPEngine pool (`RTPENGINE_HOSTS`). */
  readonly engines: readonly { readonly host: string; readonly port: number }[];
  /** NATS subject prefix (test isolation, tenants). @defaultValue `''` */
  readonly subjectPrefix: string;
  /** Redis key prefix of the affinity keys. @defaultValue `''` */
  readonly keyPrefix: string;
  /** NATS queue group shared by the replicas. @defaultValue `'media-controller'` */
  readonly queue: string;
  /** A command without reply after this long fails, and its engine is marked down. @defaultValue 2000 */
  readonly ngTimeoutMs: number;
  /** Interval of the ping health check. @defaultValue 2000 */
  readonly healthIntervalMs: number;
  /** Lifetime of a call→engine entry, renewed by each operation. @defaultValue 43200 (12 h) */
  readonly affinityTtlSec: number;
  /** @defaultValue `'least-loaded'` */
  readonly placement: Placement;
  /**
   * `delete-delay` sent with every delete: how long RTPEngine keeps a deleted
   * session. 0 frees the ports at once; the B2BUA only deletes after the
   * dialog is over, so there are no late offers to wait for.
   * @defaultValue 0
   */
  readonly deleteDelaySec: number;
  /**
   * Call→engine entries each replica keeps in memory to skip a Redis read;
   * Redis stays the truth (a stale entry is dropped when the engine disowns
   * the call). 0 = always ask Redis.
   * @defaultValue 50000
   */
  readonly affinityCacheSize: number;
}

const check = TypeCompiler.Compile(OptionsSchema);

/** Validates once and freezes. @throws PBX_ERR_MEDIA_OPTIONS */
export function resolveMediaControllerOptions(input: MediaControllerInput): MediaControllerOptions {
  if (!check.Check(input)) {
    const first = check.Errors(input).First();
    throw new PBX_ERR_MEDIA_OPTIONS(first ? `${first.path || '/'}: ${first.message}` : 'does not match the schema');
  }
  return Object.freeze({
    engines: Object.freeze(input.engines.map((e) => Object.freeze({ host: e.host, port: e.port }))),
    subjectPrefix: input.subjectPrefix ?? '',
    keyPrefix: input.keyPrefix ?? '',
    queue: input.queue ?? 'media-controller',
    ngTimeoutMs: input.ngTimeoutMs ?? 2000,
    healthIntervalMs: input.healthIntervalMs ?? 2000,
    affinityTtlSec: input.affinityTtlSec ?? 43_200,
    placement: input.placement ?? 'least-loaded',
    deleteDelaySec: input.deleteDelaySec ?? 0,
    affinityCacheSize: input.affinityCacheSize ?? 50_000,
  });
}
