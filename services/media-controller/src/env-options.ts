import { type Env, PBX_ERR_ENV_INVALID } from '@dragonpbx/shared/platform';
import type { MediaControllerInput } from './media-controller-options.js';
import { PLACEMENTS, type Placement } from './engine/placement.js';

/**
 * Service-specific variables, read once at boot on top of the shared `Env`:
 * - `MEDIA_NG_TIMEOUT_MS` (ng reply timeout), `MEDIA_HEALTH_INTERVAL_MS`,
 *   `MEDIA_PLACEMENT` (`least-loaded` | `round-robin`), `MEDIA_DELETE_DELAY_SEC`;
 * - `NATS_SUBJECT_PREFIX` and `REDIS_KEY_PREFIX` to isolate a deployment
 *   (or a test) sharing NATS/Redis with others.
 * Unset means the option's documented default.
 * @throws PBX_ERR_ENV_INVALID naming the variable
 */
export function optionsFromEnv(env: Env, raw: NodeJS.ProcessEnv): MediaControllerInput {
  const input: MediaControllerInput = { engines: env.RTPENGINE_HOSTS.map((e) => ({ host: e.host, port: e.port })) };
  const int = (name: string, min: number, max: number): number | undefined => {
    const v = raw[name]?.trim();
    if (!v) return undefined;
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > max) throw new PBX_ERR_ENV_INVALID(name, `expected an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
    return n;
  };
  const ngTimeoutMs = int('MEDIA_NG_TIMEOUT_MS', 10, 60_000);
  const healthIntervalMs = int('MEDIA_HEALTH_INTERVAL_MS', 50, 600_000);
  const deleteDelaySec = int('MEDIA_DELETE_DELAY_SEC', 0, 3600);
  if (ngTimeoutMs !== undefined) input.ngTimeoutMs = ngTimeoutMs;
  if (healthIntervalMs !== undefined) input.healthIntervalMs = healthIntervalMs;
  if (deleteDelaySec !== undefined) input.deleteDelaySec = deleteDelaySec;
  const placement = raw.MEDIA_PLACEMENT?.trim();
  if (placement) {
    if (!(PLACEMENTS as readonly string[]).includes(placement)) {
      throw new PBX_ERR_ENV_INVALID('MEDIA_PLACEMENT', `expected one of ${PLACEMENTS.join(', ')}, got ${JSON.stringify(placement)}`);
    }
    input.placement = placement as Placement;
  }
  const subjectPrefix = raw.NATS_SUBJECT_PREFIX?.trim();
  if (subjectPrefix) input.subjectPrefix = subjectPrefix;
  const keyPrefix = raw.REDIS_KEY_PREFIX?.trim();
  if (keyPrefix) input.keyPrefix = keyPrefix;
  return input;
}
