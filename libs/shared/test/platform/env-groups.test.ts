import { describe, expect, it } from 'vitest';
import { PbxError } from '../../src/contracts.js';
import {
  BASE_ENV,
  CONFIG_SOURCE_ENV,
  DIGEST_ENV,
  DRACHTIO_ENV,
  envParsers as p,
  envVar,
  NATS_ENV,
  parseEnv,
  REDIS_ENV,
  SIP_APP_ENV,
  WEBHOOK_ENV,
} from '../../src/platform.js';

const ctx = { cwd: '/srv/pbx', hostname: 'pbx-1.example.com', pid: 42 };

// Every shared group, plus one variable per parser the services use on their own.
const SCHEMA = {
  ...BASE_ENV,
  ...REDIS_ENV,
  ...NATS_ENV,
  ...DRACHTIO_ENV,
  ...CONFIG_SOURCE_ENV,
  ...WEBHOOK_ENV,
  ...DIGEST_ENV,
  ...SIP_APP_ENV,
  SIP_PORT: envVar(p.port(true), 5060, 'sip port'),
  RTPENGINE_HOSTS: envVar(p.hostPorts, [{ host: 'localhost', port: 22222 }], 'pool'),
  DEFAULT_RINGTONE: envVar(p.mediaUrl, 'file:/uk.wav', 'ringtone'),
  MEDIA_PATH: envVar((raw, c) => p.path(c.cwd)(raw), (_e, c) => p.path(c.cwd)('media'), 'media'),
};
const load = (vars: Record<string, string>) => parseEnv(SCHEMA, vars, ctx);

function failure(vars: Record<string, string>): PbxError {
  try {
    load(vars);
  } catch (e) {
    if (e instanceof PbxError) return e;
    throw e;
  }
  throw new Error('expected parseEnv to throw');
}

describe('the shared variable groups: defaults', () => {
  const env = load({});

  it.each([
    ['DRACHTIO_HOST', 'localhost'],
    ['DRACHTIO_PORT', 9022],
    ['DRACHTIO_SECRET', 'cymru'],
    ['REDIS_URL', 'redis://localhost:6379'],
    ['DATA_SOURCE', 'json'],
    ['CONFIG_URL', 'http://127.0.0.1:1337/api/v1/domains'],
    ['CONFIG_TOKEN', undefined],
    ['CONFIG_TTL', 60],
    ['CONFIG_FILE', '/srv/pbx/config/config.json'],
    ['DB_HOST', 'localhost'],
    ['DB_PORT', 5432],
    ['DB_USER', 'postgres'],
    ['DB_PASSWORD', undefined],
    ['DB_NAME', 'dragonpbx'],
    ['LOGLEVEL', 'debug'],
    ['DEFAULT_CODECS', ['G722', 'PCMA', 'PCMU']],
    ['NATS_URL', 'nats://127.0.0.1:4222'],
    ['HOOK_SIGNING_SECRET', undefined],
    ['HOOK_TIMEOUT_MS', 3000],
    ['NONCE_LIFETIME_SECS', 300],
    ['DIGEST_ALGORITHMS', ['SHA-256', 'MD5']],
    ['INSTANCE_ID', 'pbx-1-example-com-42'],
    ['OTEL_SERVICE_NAME', undefined],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', undefined],
    ['OTEL_TRACES_EXPORTER', 'none'],
    ['OTEL_SDK_DISABLED', false],
    ['MEDIA_PATH', '/srv/pbx/media'],
  ] as const)('%s defaults to %j', (name, value) => {
    expect(env[name]).toEqual(value);
  });

  it('is frozen, down to lists', () => {
    expect(Object.isFrozen(env)).toBe(true);
    expect(Object.isFrozen(load({ DEFAULT_CODECS: 'PCMU' }).DEFAULT_CODECS)).toBe(true);
    expect(Object.isFrozen(load({ RTPENGINE_HOSTS: 'a:1' }).RTPENGINE_HOSTS[0])).toBe(true);
  });

  it('treats an empty variable as unset', () => {
    expect(load({ DRACHTIO_PORT: '', LOGLEVEL: '  ' })).toMatchObject({ DRACHTIO_PORT: 9022, LOGLEVEL: 'debug' });
  });

  it('derives defaults from earlier variables', () => {
    expect(load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).OTEL_TRACES_EXPORTER).toBe('otlp');
  });

  it('uses the live process context by default', () => {
    expect(parseEnv(SCHEMA, {}).MEDIA_PATH).toBe(`${process.cwd()}/media`);
  });
});

describe('the parsers', () => {
  it.each([
    ['DRACHTIO_PORT', ' 9023 ', 9023],
    ['SIP_PORT', '0', 0],
    ['METRICS_PORT', '9464', 9464],
    ['LOGLEVEL', 'INFO', 'info'],
    ['DATA_SOURCE', 'pg', 'pg'],
    ['OTEL_SDK_DISABLED', 'TRUE', true],
    ['OTEL_SDK_DISABLED', '0', false],
    ['OTEL_SDK_DISABLED', 'yes', true],
    ['DEFAULT_CODECS', '["PCMU","opus"]', ['PCMU', 'opus']],
    ['DEFAULT_CODECS', 'G722, PCMA ,DIRECT', ['G722', 'PCMA', 'DIRECT']],
    ['DEFAULT_CODECS', 'AMR-WB,telephone-event', ['AMR-WB', 'telephone-event']],
    ['DIGEST_ALGORITHMS', 'md5, sha-256', ['MD5', 'SHA-256']],
    ['RTPENGINE_HOSTS', 'rtp1:22222, [::1]:2223', [{ host: 'rtp1', port: 22222 }, { host: '::1', port: 2223 }]],
    ['REDIS_URL', 'rediss://:pw@redis.example.com:6380/2', 'rediss://:pw@redis.example.com:6380/2'],
    ['NATS_URL', 'tls://nats:4222', 'tls://nats:4222'],
    ['CONFIG_FILE', '/etc/dragonpbx/config.json', '/etc/dragonpbx/config.json'],
    ['MEDIA_PATH', 'sounds', '/srv/pbx/sounds'],
    ['DEFAULT_RINGTONE', '/us.wav', '/us.wav'],
    ['DEFAULT_RINGTONE', 'https://cdn.example.com/ring.wav', 'https://cdn.example.com/ring.wav'],
    ['INSTANCE_ID', 'router_2', 'router_2'],
    ['DRACHTIO_SECRET', ' spaced secret ', ' spaced secret '],
    ['OTEL_TRACES_EXPORTER', 'console', 'console'],
  ] as const)('%s=%j parses to %j', (name, raw, value) => {
    expect(load({ [name]: raw })[name]).toEqual(value);
  });
});

describe('malformed values stop the service with PBX_ERR_ENV_INVALID', () => {
  it.each([
    // numbers
    ['DRACHTIO_PORT', '90x22', 'invalid DRACHTIO_PORT: expected an integer from 1 to 65535, got "90x22"'],
    ['SIP_PORT', '70000', 'invalid SIP_PORT: expected an integer from 0 to 65535, got "70000"'],
    ['DB_PORT', '0', 'invalid DB_PORT: expected an integer from 1 to 65535, got "0"'],
    ['CONFIG_TTL', '1.5', 'invalid CONFIG_TTL: expected an integer from 1 to 31536000, got "1.5"'],
    ['HOOK_TIMEOUT_MS', '-5', 'invalid HOOK_TIMEOUT_MS: expected an integer from 1 to 600000, got "-5"'],
    ['NONCE_LIFETIME_SECS', '1e3', 'invalid NONCE_LIFETIME_SECS: expected an integer from 1 to 31536000, got "1e3"'],
    // URLs
    ['REDIS_URL', 'localhost:6379', 'invalid REDIS_URL: expected a redis or rediss URL, got "localhost:6379"'],
    ['REDIS_URL', 'http://u:secret@h/', 'invalid REDIS_URL: expected a redis or rediss URL, got "http://***@h/"'],
    ['NATS_URL', 'nats//x', 'invalid NATS_URL: expected a nats or tls or ws or wss URL, got "nats//x"'],
    ['CONFIG_URL', 'ftp://x/y', 'invalid CONFIG_URL: expected a http or https URL, got "ftp://x/y"'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector:4318', 'invalid OTEL_EXPORTER_OTLP_ENDPOINT: expected a http or https URL, got "collector:4318"'],
    ['DEFAULT_RINGTONE', 'uk.wav', 'invalid DEFAULT_RINGTONE: expected file:/name.wav, /name.wav or an http(s) URL, got "uk.wav"'],
    // enums and booleans
    ['DATA_SOURCE', 'mysql', 'invalid DATA_SOURCE: expected one of json, api, pg, got "mysql"'],
    ['LOGLEVEL', 'verbose', 'invalid LOGLEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "verbose"'],
    ['OTEL_TRACES_EXPORTER', 'zipkin', 'invalid OTEL_TRACES_EXPORTER: expected one of otlp, console, none, got "zipkin"'],
    ['OTEL_SDK_DISABLED', 'maybe', 'invalid OTEL_SDK_DISABLED: expected true or false, got "maybe"'],
    // codec lists
    ['DEFAULT_CODECS', '["PCMU",', 'invalid DEFAULT_CODECS: expected a JSON array of codec names, got "[\\"PCMU\\","'],
    ['DEFAULT_CODECS', '[]', 'invalid DEFAULT_CODECS: expected at least one codec, got an empty list'],
    ['DEFAULT_CODECS', '["PCMU", 8]', 'invalid DEFAULT_CODECS: codec 2 is not a codec name, got 8'],
    ['DEFAULT_CODECS', 'PCMU,,G722', 'invalid DEFAULT_CODECS: codec 2 is not a codec name, got ""'],
    ['DEFAULT_CODECS', 'PCMU G722', 'invalid DEFAULT_CODECS: codec 1 is not a codec name, got "PCMU G722"'],
    // host lists and ids
    ['RTPENGINE_HOSTS', 'rtp1', 'invalid RTPENGINE_HOSTS: expected host:port entries separated by commas, got "rtp1"'],
    ['RTPENGINE_HOSTS', 'rtp1:22222,rtp2:99999', 'invalid RTPENGINE_HOSTS: expected an integer from 1 to 65535, got "99999"'],
    ['INSTANCE_ID', 'a.b', 'invalid INSTANCE_ID: expected 1-64 letters, digits, "_" or "-", got "a.b"'],
  ] as const)('%s=%j', (name, raw, message) => {
    const e = failure({ [name]: raw });
    expect(e.code).toBe('PBX_ERR_ENV_INVALID');
    expect(e.message).toBe(message);
    expect(e.message).not.toContain('\n');
  });

  it.each(['DRACHTIO_SECRET', 'CONFIG_TOKEN', 'DB_PASSWORD', 'HOOK_SIGNING_SECRET'])('never shows a bad %s', (name) => {
    // Each of these is plain text, so no value is bad; the flag is what keeps it out of messages.
    expect(SCHEMA[name as keyof typeof SCHEMA].secret).toBe(true);
  });
});
