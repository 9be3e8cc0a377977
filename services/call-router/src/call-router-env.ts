import { envParsers, envVar, SIP_APP_ENV } from '@dragonpbx/shared/platform';

const { integer, mediaUrl, path, port, text } = envParsers;

/**
 * The call-router's variables, on top of the shared base (LOGLEVEL,
 * INSTANCE_ID, METRICS_PORT, SHUTDOWN_TIMEOUT_MS, OTEL_*).
 */
export const CALL_ROUTER_ENV = Object.freeze({
  ...SIP_APP_ENV,
  CALL_ROUTER_NONCE_SECRET: envVar<string | undefined>(
    text,
    undefined,
    'HMAC key of the INVITE digest nonces; at least 16 bytes, the same on every call-router replica.',
    { defaultDoc: 'derived from `DRACHTIO_SECRET` (a warning at start)', secret: true },
  ),
  FILE_PATH: envVar(path(process.cwd()), process.cwd(), 'Directory of `file:` CallHook templates.', {
    defaultDoc: 'the current directory',
  }),
  MEDIA_PATH: envVar(path(process.cwd()), `${process.cwd()}/media`, 'Directory of announcement files; `file:` URLs cannot leave it.', {
    defaultDoc: '`./media`',
  }),
  MEDIA_CACHE_PATH: envVar<string | undefined>(
    path(process.cwd()),
    undefined,
    'Where http(s) announcements are kept once downloaded and converted to 8 kHz mono WAV; RTPEngine must read the same path.',
    { defaultDoc: '`<MEDIA_PATH>/.http-cache`' },
  ),
  DEFAULT_RINGTONE: envVar(
    mediaUrl,
    'file:/uk.wav',
    'Ringback a `connect` plays to the caller while a destination rings, unless the verb names a `ringtone` (`file:` under `MEDIA_PATH`, or http(s)).',
  ),
  MEDIA_TIMEOUT_MS: envVar(integer(100, 60_000), 3000, 'How long a request to the media-controller may take, ms.'),
  CALL_DRAIN_TIMEOUT_MS: envVar(
    integer(0, 86_400_000),
    30_000,
    'On SIGTERM, how long calls in progress may go on (new INVITEs get 503) before the rest are ended, ms.',
  ),
  WEBPORT: envVar(port(true), 2999, 'Port of the REST call API (`/domains/…`, `/docs/openapi.json`); 0 = ephemeral.'),
  API_HOST: envVar(text, '0.0.0.0', 'Address the REST call API binds when `API_TOKEN` is set; without a token it binds `127.0.0.1` whatever this says.'),
  API_TOKEN: envVar<string | undefined>(
    text,
    undefined,
    'Bearer token every REST call API request must carry (`Authorization: Bearer …`); unset means the API listens on loopback only.',
    { secret: true },
  ),
});
