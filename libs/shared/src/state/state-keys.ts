import { PBX_ERR_STATE_KEY_INVALID } from './state-errors.js';

/** Longest key part accepted (domains are ≤ 253 characters). */
const MAX_PART = 256;
// Braces would change the Redis Cluster hash tag; whitespace and controls make keys unreadable.
const FORBIDDEN = /[{}\s]/;
const hasControl = (s: string) => [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

/** Checks one key part and returns it; throws `PBX_ERR_STATE_KEY_INVALID`. */
export function keyPart(what: string, value: unknown): string {
  if (typeof value !== 'string') throw new PBX_ERR_STATE_KEY_INVALID(what, String(value), 'not a string');
  if (value === '') throw new PBX_ERR_STATE_KEY_INVALID(what, value, 'empty');
  if (value.length > MAX_PART) throw new PBX_ERR_STATE_KEY_INVALID(what, value.slice(0, 32), `longer than ${MAX_PART}`);
  if (FORBIDDEN.test(value) || hasControl(value)) throw new PBX_ERR_STATE_KEY_INVALID(what, value, 'contains braces, spaces or control characters');
  return value;
}

/**
 * Every Redis key name Dragon PBX uses, in one place. Registration keys put
 * the domain in a `{…}` hash tag so that one Lua script may touch a client's
 * keys and its domain index together, also on Redis Cluster.
 */
export class StateKeys {
  readonly prefix: string;

  constructor(prefix: string) {
    this.prefix = prefix;
    Object.freeze(this);
  }

  /** Hash of a client's contacts: field `c:<contact uri>` → JSON, plus field `seq`. */
  client(domain: string, ext: string): string {
    return `${this.prefix}client:{${keyPart('domain', domain)}}:${keyPart('extension', ext)}`;
  }
  /** Sorted set: contact uri scored by expiry (ms since epoch). */
  clientExpiries(domain: string, ext: string): string {
    return `${this.client(domain, ext)}:exp`;
  }
  /** Sorted set: contact uri scored by registration order (for evicting the oldest). */
  clientOrder(domain: string, ext: string): string {
    return `${this.client(domain, ext)}:seq`;
  }
  /** Sorted set of a domain's registered extensions scored by their latest contact expiry. */
  domainClients(domain: string): string {
    return `${this.prefix}clients:{${keyPart('domain', domain)}}`;
  }
  /** Hash describing an outbound trunk registration; TTL = the granted expiry. */
  regTrunk(domain: string, trunkId: string): string {
    return `${this.prefix}regtrunk:{${keyPart('domain', domain)}}:${keyPart('trunk id', trunkId)}`;
  }
  /** String holding the token of a lease's current owner. */
  lease(resource: string): string {
    return `${this.prefix}lease:${keyPart('lease resource', resource)}`;
  }
  /** JSON summary of a live call. */
  call(callId: string): string {
    return `${this.prefix}call:${keyPart('call id', callId)}`;
  }
  /** Sorted set of the calls an instance owns, scored by summary expiry. */
  callsByInstance(instanceId: string): string {
    return `${this.prefix}calls:instance:${keyPart('instance id', instanceId)}`;
  }
  /** Sorted set of a domain's live calls. */
  callsByDomain(domain: string): string {
    return `${this.prefix}calls:domain:${keyPart('domain', domain)}`;
  }
  /** Sorted set of live calls involving an extension (for pickup). */
  callsByExtension(domain: string, ext: string): string {
    return `${this.prefix}calls:ext:${keyPart('domain', domain)}:${keyPart('extension', ext)}`;
  }
  /** Marker that a digest (nonce, nc) pair was accepted once. */
  nonce(nonce: string, nc: string): string {
    return `${this.prefix}nonce:${keyPart('nonce', nonce)}:${nc === '' ? '-' : keyPart('nonce count', nc)}`;
  }
  /** Per-source request counter of the current window. */
  floodCounter(ip: string): string {
    return `${this.prefix}flood:{${keyPart('source address', ip)}}`;
  }
  /** Present while a source address is banned. */
  floodBan(ip: string): string {
    return `${this.prefix}ban:{${keyPart('source address', ip)}}`;
  }
}
