import type { ServiceEnv } from '@dragonpbx/shared/platform';
import type { MEDIA_CONTROLLER_ENV } from './media-controller-env.js';
import type { MediaControllerInput } from './media-controller-options.js';

/** The media-controller's parsed environment (shared base + {@link MEDIA_CONTROLLER_ENV}). */
export type MediaControllerEnv = ServiceEnv<typeof MEDIA_CONTROLLER_ENV>;

/** Maps the parsed environment onto controller options; unset variables keep the options' defaults. */
export function optionsFromEnv(env: MediaControllerEnv): MediaControllerInput {
  return {
    engines: env.RTPENGINE_HOSTS.map((e) => ({ host: e.host, port: e.port })),
    ...(env.MEDIA_NG_TIMEOUT_MS !== undefined && { ngTimeoutMs: env.MEDIA_NG_TIMEOUT_MS }),
    ...(env.MEDIA_HEALTH_INTERVAL_MS !== undefined && { healthIntervalMs: env.MEDIA_HEALTH_INTERVAL_MS }),
    ...(env.MEDIA_DELETE_DELAY_SEC !== undefined && { deleteDelaySec: env.MEDIA_DELETE_DELAY_SEC }),
    ...(env.MEDIA_PLACEMENT !== undefined && { placement: env.MEDIA_PLACEMENT }),
    ...(env.NATS_SUBJECT_PREFIX !== '' && { subjectPrefix: env.NATS_SUBJECT_PREFIX }),
    ...(env.REDIS_KEY_PREFIX !== '' && { keyPrefix: env.REDIS_KEY_PREFIX }),
  };
}
