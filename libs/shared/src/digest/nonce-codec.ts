import { createHmac, randomFillSync, timingSafeEqual } from 'node:crypto';
import { PBX_ERR_DIGEST_OPTIONS_INVALID } from './digest-errors.js';

/** Options of {@link NonceCodec}. */
export interface NonceCodecOptions {
  /** HMAC key shared by every instance that verifies; at least 16 bytes. */
  readonly secret: string | Buffer;
  /**
   * Seconds a nonce stays fresh; after that it is `stale` (RFC 7616 §3.3 `stale`).
   * @defaultValue 300
   */
  readonly lifetimeSec?: number;
  /** Clock in ms, swappable in tests. @defaultValue Date.now */
  readonly now?: () => number;
}

/** What a presented nonce turned out to be. */
export type NonceCheck =
  | { readonly state: 'valid'; readonly issuedAt: number; readonly remainingMs: number }
  | { readonly state: 'stale'; readonly issuedAt: number }
  | { readonly state: 'bad' };

const TS_BYTES = 8;
/** Random bytes so that two challenges issued in the same millisecond still differ. */
const SALT_BYTES = 8;
const MAC_BYTES = 32;
const HEAD_BYTES = TS_BYTES + SALT_BYTES;
const NONCE = /^[A-Za-z0-9_-]{64}$/;
/** A nonce dated this far in the future is forged or from a badly skewed peer. */
const MAX_FUTURE_MS = 5_000;

const MAX_MS = 2 ** 48 - 1;
/** Salts come from one CSPRNG fill per 512 challenges instead of a `randomBytes` call each. */
const saltPool = Buffer.alloc(SALT_BYTES * 512);
let saltOffset = saltPool.length;

function takeSalt(into: Buffer, at: number): void {
  if (saltOffset + SALT_BYTES > saltPool.length) {
    randomFillSync(saltPool);
    saltOffset = 0;
  }
  saltPool.copy(into, at, saltOffset, saltOffset + SALT_BYTES);
  saltOffset += SALT_BYTES;
}

/**
 * Stateless nonces: `base64url(timestamp ‖ salt ‖ HMAC-SHA256(secret, timestamp ‖ salt ‖ realm))`.
 * Any instance holding the secret can verify one without shared storage, and
 * binding the realm stops a nonce from one domain being used on another. The
 * salt keeps nonces unique: without it two phones challenged in the same
 * millisecond would share a nonce, and the second one's `nc=1` would look like
 * a replay of the first (RFC 7616 §3.3 wants a nonce per challenge).
 */
export class NonceCodec {
  readonly lifetimeMs: number;
  readonly #key: Buffer;
  readonly #now: () => number;

  constructor(options: NonceCodecOptions) {
    const key = typeof options.secret === 'string' ? Buffer.from(options.secret, 'utf8') : options.secret;
    if (!Buffer.isBuffer(key) || key.length < 16) {
      throw new PBX_ERR_DIGEST_OPTIONS_INVALID('secret must be at least 16 bytes');
    }
    const lifetime = options.lifetimeSec ?? 300;
    if (!Number.isFinite(lifetime) || lifetime <= 0 || lifetime > 86_400) {
      throw new PBX_ERR_DIGEST_OPTIONS_INVALID(`lifetimeSec must be in (0, 86400], got ${lifetime}`);
    }
    this.lifetimeMs = Math.round(lifetime * 1000);
    this.#key = Buffer.from(key);
    this.#now = options.now ?? Date.now;
    Object.freeze(this);
  }

  /** A fresh nonce for `realm`. */
  issue(realm: string): string {
    const head = Buffer.alloc(HEAD_BYTES);
    // The 8-byte big-endian timestamp: ms fit in the low 6 bytes (until the year 10889).
    head.writeUIntBE(Math.min(MAX_MS, Math.max(0, Math.floor(this.#now()))), TS_BYTES - 6, 6);
    takeSalt(head, TS_BYTES);
    return Buffer.concat([head, this.#mac(head, realm)]).toString('base64url');
  }

  /** Authenticates `nonce` for `realm` and reports whether it is still fresh. */
  check(nonce: string, realm: string): NonceCheck {
    if (typeof nonce !== 'string' || !NONCE.test(nonce)) return { state: 'bad' };
    const raw = Buffer.from(nonce, 'base64url');
    if (raw.length !== HEAD_BYTES + MAC_BYTES) return { state: 'bad' };
    const head = raw.subarray(0, HEAD_BYTES);
    if (!timingSafeEqual(raw.subarray(HEAD_BYTES), this.#mac(head, realm))) return { state: 'bad' };
    const issuedAt = Number(head.readBigUInt64BE());
    const now = this.#now();
    if (issuedAt > now + MAX_FUTURE_MS) return { state: 'bad' };
    const expiresAt = issuedAt + this.lifetimeMs;
    return now >= expiresAt ? { state: 'stale', issuedAt } : { state: 'valid', issuedAt, remainingMs: expiresAt - now };
  }

  #mac(head: Buffer, realm: string): Buffer {
    return createHmac('sha256', this.#key).update(head).update(realm, 'utf8').digest();
  }
}
