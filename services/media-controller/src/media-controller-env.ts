import { envParsers, envVar, NATS_ENV, REDIS_ENV } from '@dragonpbx/shared/platform';
import { PLACEMENTS } from './engine/placement.js';

const { hostPorts, integer, oneOf, port, text } = envParsers;

/**
 * The media-controller's variables, on top of the shared base (LOGLEVEL,
 * INSTANCE_ID, METRICS_PORT, SHUTDOWN_TIMEOUT_MS, OTEL_*). Unset means the
 * option's documented default.
 */
export const MEDIA_CONTROLLER_ENV = Object.freeze({
  ...REDIS_ENV,
  ...NATS_ENV,
  REDIS_KEY_PREFIX: envVar(text, '', 'Prefix of the Redis keys, to isolate a deployment (or a test) sharing Redis.', {
    defaultDoc: 'none',
  }),
  DRACHTIO_HOST: envVar(text, 'localhost', 'Only read as the default of `RTPENGINE_HOST` (the SIP edge and RTPEngine often share a host).'),
  RTPENGINE_HOST: envVar(text, (e) => e.DRACHTIO_HOST as string, 'RTPEngine ng host (a pool of one).', {
    defaultDoc: 'the value of `DRACHTIO_HOST`',
  }),
  RTPENGINE_PORT: envVar(port(), 22222, 'RTPEngine ng port (a pool of one).'),
  RTPENGINE_HOSTS: envVar(
    hostPorts,
    (e) => [{ host: e.RTPENGINE_HOST as string, port: e.RTPENGINE_PORT as number }],
    'The engine pool, `host:port,…` (IPv6 as `[::1]:22222`); wins over `RTPENGINE_HOST`/`RTPENGINE_PORT`.',
    { defaultDoc: '`RTPENGINE_HOST:RTPENGINE_PORT`' },
  ),
  MEDIA_NG_TIMEOUT_MS: envVar<number | undefined>(
    integer(10, 60_000),
    undefined,
    'An ng command without reply after this long fails with `PBX_ERR_MEDIA_ENGINE_TIMEOUT` and marks its engine down, ms.',
    { defaultDoc: '`2000`' },
  ),
  MEDIA_HEALTH_INTERVAL_MS: envVar<number | undefined>(integer(50, 600_000), undefined, 'Interval of the `ping` + `statistics` check of every engine, ms.', {
    defaultDoc: '`2000`',
  }),
  MEDIA_PLACEMENT: envVar<(typeof PLACEMENTS)[number] | undefined>(
    oneOf(PLACEMENTS),
    undefined,
    `How a new call picks its engine: ${PLACEMENTS.join(' or ')}.`,
    { defaultDoc: '`least-loaded`' },
  ),
  MEDIA_DELETE_DELAY_SEC: envVar<number | undefined>(
    integer(0, 3600),
    undefined,
    '`delete-delay` sent with deletes, seconds (RTPEngine\'s own default keeps the ports 30 s).',
    { defaultDoc: '`0`' },
  ),
});
