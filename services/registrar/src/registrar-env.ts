import { envParsers, envVar, SIP_APP_ENV } from '@dragonpbx/shared/platform';

const { boolean, integer, text } = envParsers;
const seconds = integer(1, 31_536_000);
const count = (max: number) => integer(0, max);

/** A comma list; `none` is the empty list. */
const list = (raw: string): readonly string[] =>
  raw.trim().toLowerCase() === 'none'
    ? []
    : raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);

/**
 * The registrar's variables, on top of the shared base (LOGLEVEL, INSTANCE_ID,
 * METRICS_PORT, SHUTDOWN_TIMEOUT_MS, OTEL_*).
 */
export const REGISTRAR_ENV = Object.freeze({
  ...SIP_APP_ENV,
  REGISTRAR_NONCE_SECRET: envVar<string | undefined>(
    text,
    undefined,
    'HMAC key of the stateless nonces; at least 16 bytes, the same on every replica.',
    { defaultDoc: 'derived from `DRACHTIO_SECRET` (a warning at start)', secret: true },
  ),
  REGISTRATION_MIN_SECS: envVar(seconds, 30, 'Lower clamp of a granted registration, seconds.'),
  REGISTRATION_MAX_SECS: envVar(seconds, 3600, 'Upper clamp of a granted registration, seconds.'),
  REGISTRATION_DEFAULT_SECS: envVar(seconds, 3600, 'Requested expiry when a REGISTER carries none, seconds.'),
  FLOOD_PROTECTION: envVar(boolean, true, 'Pike-style per-source request limit.'),
  FLOOD_LIMIT: envVar(count(1_000_000), 16, 'Requests one source may send per `FLOOD_WINDOW_MS`; more means `FLOOD_BAN_SECS` of silence.'),
  FLOOD_WINDOW_MS: envVar(count(86_400_000), 2000, 'Window of `FLOOD_LIMIT`, ms.'),
  FLOOD_BAN_SECS: envVar(count(31_536_000), 300, 'How long a flooding source is ignored, seconds.'),
  FLOOD_TRUSTED_CIDRS: envVar<readonly string[] | undefined>(list, undefined, 'Comma list of CIDRs or addresses never counted; every trunk\'s `inbound` CIDRs are trusted too.', {
    defaultDoc: 'none',
  }),
  SCANNER_USER_AGENTS: envVar<readonly string[] | undefined>(
    list,
    undefined,
    'Case-insensitive User-Agent substrings of scanners (comma list); `none` turns the check off.',
    { defaultDoc: 'friendly-scanner, sipvicious, sipcli, …' },
  ),
  REGTRUNKEXPIRES: envVar(seconds, 3600, 'Expires requested on trunk REGISTERs, seconds.'),
  TRUNK_LEASE_SECS: envVar(seconds, 30, 'Trunk lease lifetime, seconds (keep it below half the trunk grant).'),
});
