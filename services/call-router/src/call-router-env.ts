import {
  CONFIG_SOURCE_ENV,
  DRACHTIO_ENV,
  envParsers,
  envVar,
  NATS_ENV,
  REDIS_ENV,
  WEBHOOK_ENV,
} from '@dragonpbx/shared/platform';

const { codecs, integer, path, text } = envParsers;
const seconds = integer(1, 31_536_000);
const ALGORITHMS = ['SHA-256', 'MD5'] as const;
type Algorithm = (typeof ALGORITHMS)[number];

/** A comma list of digest algorithms, any case, most preferred first (RFC 8760 §2.4). */
const algorithms = (raw: string): readonly Algorithm[] => {
  const list = raw
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  const bad = list.find((a) => !(ALGORITHMS as readonly string[]).includes(a));
  if (list.length === 0 || bad !== undefined) {
    throw new TypeError(`expected a comma list of SHA-256 and/or MD5, got "${raw}"`);
  }
  return list as Algorithm[];
};

/**
 * The call-router's variables, on top of the shared base (LOGLEVEL,
 * INSTANCE_ID, METRICS_PORT, SHUTDOWN_TIMEOUT_MS, OTEL_*).
 */
export const CALL_ROUTER_ENV = Object.freeze({
  ...REDIS_ENV,
  ...NATS_ENV,
  ...DRACHTIO_ENV,
  ...CONFIG_SOURCE_ENV,
  ...WEBHOOK_ENV,
  REDIS_KEY_PREFIX: envVar(text, '', 'Prefix of every Redis key, to isolate a deployment (or a test) sharing Redis.', {
    defaultDoc: 'none',
  }),
  CALL_ROUTER_NONCE_SECRET: envVar<string | undefined>(
    text,
    undefined,
    'HMAC key of the INVITE digest nonces; at least 16 bytes, the same on every call-router replica.',
    { defaultDoc: 'derived from `DRACHTIO_SECRET` (a warning at start)', secret: true },
  ),
  NONCE_LIFETIME_SECS: envVar(seconds, 300, 'After this a nonce is stale, seconds.'),
  DIGEST_ALGORITHMS: envVar(
    algorithms,
    ['SHA-256', 'MD5'],
    'Challenges offered, most preferred first (RFC 8760). UAs that only try the topmost challenge (SIPp 3.6, some old phones) need `MD5,SHA-256`.',
  ),
  DEFAULT_CODECS: envVar(codecs, ['G722', 'PCMA', 'PCMU'], 'Codecs of a caller whose registration or trunk names none (JSON array or comma list).'),
  FILE_PATH: envVar(path(process.cwd()), process.cwd(), 'Directory of `file:` CallHook templates.', {
    defaultDoc: 'the current directory',
  }),
  MEDIA_PATH: envVar(path(process.cwd()), `${process.cwd()}/media`, 'Directory of announcement files; `file:` URLs cannot leave it.', {
    defaultDoc: '`./media`',
  }),
  MEDIA_TIMEOUT_MS: envVar(integer(100, 60_000), 3000, 'How long a request to the media-controller may take, ms.'),
  CALL_DRAIN_TIMEOUT_MS: envVar(
    integer(0, 86_400_000),
    30_000,
    'On SIGTERM, how long calls in progress may go on (new INVITEs get 503) before the rest are ended, ms.',
  ),
});
