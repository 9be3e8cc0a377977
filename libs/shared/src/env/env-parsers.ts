import { isAbsolute, resolve } from 'node:path';
import type { HostPort } from './host-port.js';

// Each parser turns one raw environment string into a typed value, or throws a
// TypeError whose message says what was expected. parseEnv adds the variable name.

/** Parses one raw (non-empty) value. */
export type EnvParser<T> = (raw: string) => T;

function got(raw: string): string {
  return `got ${JSON.stringify(raw)}`;
}

/** Any non-empty string, kept verbatim (secrets may have meaningful spaces). */
export const text: EnvParser<string> = (raw) => raw;

/** A whole number within `[min, max]`. */
export function integer(min: number, max: number): EnvParser<number> {
  return (raw) => {
    const s = raw.trim();
    const n = Number(s);
    if (!/^[+-]?\d+$/.test(s) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new TypeError(`expected an integer from ${min} to ${max}, ${got(raw)}`);
    }
    return n;
  };
}

/** A TCP/UDP port; 0 only where an ephemeral port makes sense. */
export function port(allowZero = false): EnvParser<number> {
  return integer(allowZero ? 0 : 1, 65535);
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** `true/false`, `1/0`, `yes/no`, `on/off`, any case. */
export const boolean: EnvParser<boolean> = (raw) => {
  const s = raw.trim().toLowerCase();
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  throw new TypeError(`expected true or false, ${got(raw)}`);
};

/** One of a fixed set of words, matched case-insensitively, returned in lower case. */
export function oneOf<const T extends string>(values: readonly T[]): EnvParser<T> {
  return (raw) => {
    const s = raw.trim().toLowerCase();
    const hit = values.find((v) => v === s);
    if (hit === undefined) throw new TypeError(`expected one of ${values.join(', ')}, ${got(raw)}`);
    return hit;
  };
}

/** Hides `user:password@` so a bad URL can be echoed without leaking a credential. */
function redactUrl(raw: string): string {
  return raw.replace(/\/\/[^/@]*@/, '//***@');
}

/** An absolute URL whose scheme is one of `protocols` (without the colon). */
export function url(protocols: readonly string[]): EnvParser<string> {
  return (raw) => {
    const s = raw.trim();
    const u = URL.canParse(s) ? new URL(s) : undefined;
    const scheme = u?.protocol.slice(0, -1);
    if (!u || scheme === undefined || !protocols.includes(scheme)) {
      throw new TypeError(`expected a ${protocols.join(' or ')} URL, got ${JSON.stringify(redactUrl(s))}`);
    }
    return s;
  };
}

/** A media location: `file:/x.wav`, `/x.wav` (both under MEDIA_PATH) or `http(s)://…`. */
export const mediaUrl: EnvParser<string> = (raw) => {
  const s = raw.trim();
  if (/^file:\/\S/.test(s) || /^\/\S/.test(s)) return s;
  if (/^https?:\/\//i.test(s) && URL.canParse(s)) return s;
  throw new TypeError(`expected file:/name.wav, /name.wav or an http(s) URL, ${got(raw)}`);
};

// Codec names as RTPEngine and SDP spell them: G722, PCMU, opus, AMR-WB,
// telephone-event, plus the DIRECT pseudo-codec (no media anchoring).
const CODEC = /^[A-Za-z0-9][A-Za-z0-9._+/-]*$/;

/** A codec list: a JSON array (`["G722","PCMU"]`) or a comma list (`G722,PCMU`). */
export const codecs: EnvParser<readonly string[]> = (raw) => {
  const s = raw.trim();
  let items: unknown[];
  if (s.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(s);
      if (!Array.isArray(parsed)) throw new TypeError('not an array');
      items = parsed;
    } catch {
      throw new TypeError(`expected a JSON array of codec names, ${got(raw)}`);
    }
  } else {
    items = s.split(',').map((c) => c.trim());
  }
  if (items.length === 0) throw new TypeError('expected at least one codec, got an empty list');
  items.forEach((c, i) => {
    if (typeof c !== 'string' || !CODEC.test(c)) {
      throw new TypeError(`codec ${i + 1} is not a codec name, got ${JSON.stringify(c ?? null)}`);
    }
  });
  return Object.freeze(items as string[]);
};

/** `host:port,host:port`; IPv6 hosts in brackets, e.g. `[::1]:22222`. */
export const hostPorts: EnvParser<readonly HostPort[]> = (raw) => {
  const parts = raw.split(',').map((p) => p.trim());
  const portOf = port();
  return Object.freeze(
    parts.map((part) => {
      const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d+)$/.exec(part);
      if (!m) throw new TypeError(`expected host:port entries separated by commas, got ${JSON.stringify(part)}`);
      const host = (m[1] ?? m[2]) as string;
      return Object.freeze({ host, port: portOf(m[3] as string) });
    }),
  );
};

/** A directory or file path; relative paths are resolved against `cwd`. */
export function path(cwd: string): EnvParser<string> {
  return (raw) => (isAbsolute(raw) ? raw : resolve(cwd, raw));
}

// The instance id is a NATS subject token (`dragon.calls.<instanceId>.<op>`),
// so it cannot hold `.`, `*`, `>` or whitespace.
const INSTANCE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A NATS-subject-safe instance name. */
export const instanceId: EnvParser<string> = (raw) => {
  if (!INSTANCE_ID.test(raw)) {
    throw new TypeError(`expected 1-64 letters, digits, "_" or "-", ${got(raw)}`);
  }
  return raw;
};

/** Makes a host name into a valid default instance id. */
export function toInstanceId(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 64);
  return s.length > 0 ? s : 'dragonpbx';
}

/** Digest algorithms a UAS may challenge with (RFC 8760), most preferred first. */
export const DIGEST_ALGORITHM_NAMES = ['SHA-256', 'MD5'] as const;

/** A comma list of digest algorithms in any case, most preferred first, returned upper-cased. */
export const digestAlgorithms: EnvParser<readonly (typeof DIGEST_ALGORITHM_NAMES)[number][]> = (raw) => {
  const list = raw
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  if (list.length === 0 || list.some((a) => !(DIGEST_ALGORITHM_NAMES as readonly string[]).includes(a))) {
    throw new TypeError(`expected a comma list of ${DIGEST_ALGORITHM_NAMES.join(' and/or ')}, ${got(raw)}`);
  }
  return list as (typeof DIGEST_ALGORITHM_NAMES)[number][];
};
