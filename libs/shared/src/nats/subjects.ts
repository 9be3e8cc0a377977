import { PBX_ERR_NATS_BAD_SUBJECT } from './nats-errors.js';

/** Media RPC operations served by media-controller on `dragon.media.<op>`. */
export type MediaOp =
  | 'offer'
  | 'answer'
  | 'delete'
  | 'play'
  | 'stop'
  | 'dtmf'
  | 'subscribe'
  | 'subscribe-answer'
  | 'unsubscribe'
  | 'query';

/**
 * Characters that pass through a subject token unchanged. Everything else —
 * in particular `.`, `*`, `>` and whitespace, which NATS treats as token
 * separators or wildcards — is written as `%HH` per UTF-8 byte. Call-IDs
 * (`a84b4c76e66710@pc33.example.com`) and domains (`example.com`) contain
 * dots, so escaping is required, and it is reversible ({@link decodeToken}).
 */
const SAFE = /^[A-Za-z0-9_\-@:+=~!]$/;
/** {@link SAFE} per ASCII code (1 = unchanged), for the per-character loop. */
const SAFE_ASCII = new Uint8Array(128);
for (let c = 0; c < 128; c++) SAFE_ASCII[c] = SAFE.test(String.fromCharCode(c)) ? 1 : 0;
const HEX = '0123456789ABCDEF';

/** Escapes one value so it is exactly one NATS subject token. */
export function encodeToken(value: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new PBX_ERR_NATS_BAD_SUBJECT('empty subject token');
  }
  // Runs of safe characters are copied as slices; only the others are escaped.
  let out = '';
  let from = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 128 && SAFE_ASCII[c] === 1) continue;
    out += value.slice(from, i);
    if (c < 128) {
      out += `%${HEX[c >> 4]}${HEX[c & 15]}`;
    } else {
      // One code point (a surrogate pair is two UTF-16 units), as its UTF-8 bytes.
      const cp = value.codePointAt(i) ?? c;
      const ch = String.fromCodePoint(cp);
      for (const byte of Buffer.from(ch, 'utf8')) out += `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
      i += ch.length - 1;
    }
    from = i + 1;
  }
  return from === 0 ? value : out + value.slice(from);
}

/** Reverses {@link encodeToken}. */
export function decodeToken(token: string): string {
  try {
    return decodeURIComponent(token);
  } catch {
    throw new PBX_ERR_NATS_BAD_SUBJECT(`token ${JSON.stringify(token)} is not escaped correctly`);
  }
}

/** Subject names for one deployment (or one test, via the prefix). */
export interface Subjects {
  /** The prefix in use, `''` when none. */
  readonly prefix: string;
  /** Call event for the StatusHook: `dragon.status.<domain>.<callId>`. */
  status(domain: string, callId: string): string;
  /** Every call event (the JetStream stream's subject): `dragon.status.>`. */
  statusAll(): string;
  /** Splits a status subject back into its domain and Call-ID; `undefined` when it is not one. */
  parseStatus(subject: string): { domain: string; callId: string } | undefined;
  /** Media RPC: `dragon.media.<op>`. */
  media(op: MediaOp): string;
  /** Calls control for the call-router instance owning a call: `dragon.calls.<instanceId>.<op>`. */
  calls(instanceId: string, op: string): string;
  /** Every control subject of one instance: `dragon.calls.<instanceId>.*`. */
  callsAll(instanceId: string): string;
  /** Registration changes of one domain: `dragon.registrations.<domain>`. */
  registrations(domain: string): string;
  /** Registration changes of every domain: `dragon.registrations.*`. */
  registrationsAll(): string;
}

/** Options of {@link createSubjects}. */
export interface SubjectsOptions {
  /**
   * Dot-separated tokens put in front of every subject, so tests (or tenants)
   * sharing one NATS server never see each other's traffic.
   * @defaultValue `''` (no prefix)
   */
  prefix?: string;
}

const MEDIA_OPS: ReadonlySet<string> = new Set<MediaOp>([
  'offer',
  'answer',
  'delete',
  'play',
  'stop',
  'dtmf',
  'subscribe',
  'subscribe-answer',
  'unsubscribe',
  'query',
]);

/**
 * The one place that knows every subject name. Dynamic parts are escaped
 * with {@link encodeToken}, so a hostile Call-ID cannot inject wildcards.
 */
export function createSubjects(options: SubjectsOptions = {}): Subjects {
  const prefix = options.prefix ?? '';
  if (prefix !== '' && !/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(prefix)) {
    throw new PBX_ERR_NATS_BAD_SUBJECT(`prefix ${JSON.stringify(prefix)} must be dot-separated [A-Za-z0-9_-] tokens`);
  }
  const root = prefix === '' ? 'dragon' : `${prefix}.dragon`;
  const statusRoot = `${root}.status.`;
  return Object.freeze({
    prefix,
    status: (domain: string, callId: string) => `${statusRoot}${encodeToken(domain)}.${encodeToken(callId)}`,
    statusAll: () => `${root}.status.>`,
    parseStatus(subject: string) {
      if (!subject.startsWith(statusRoot)) return undefined;
      const rest = subject.slice(statusRoot.length).split('.');
      if (rest.length !== 2 || !rest[0] || !rest[1]) return undefined;
      return { domain: decodeToken(rest[0]), callId: decodeToken(rest[1]) };
    },
    media(op: MediaOp) {
      if (!MEDIA_OPS.has(op)) throw new PBX_ERR_NATS_BAD_SUBJECT(`unknown media operation ${JSON.stringify(op)}`);
      return `${root}.media.${op}`;
    },
    calls: (instanceId: string, op: string) => `${root}.calls.${encodeToken(instanceId)}.${encodeToken(op)}`,
    callsAll: (instanceId: string) => `${root}.calls.${encodeToken(instanceId)}.*`,
    registrations: (domain: string) => `${root}.registrations.${encodeToken(domain)}`,
    registrationsAll: () => `${root}.registrations.*`,
  });
}
