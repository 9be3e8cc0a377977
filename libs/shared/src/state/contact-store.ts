import type { Redis } from 'ioredis';
import { parseIp } from '../cidr/parse-ip.js';
import {
  type AddContactResult,
  type BindContactResult,
  type ContactBinding,
  SIP_TRANSPORTS,
  type StoredContact,
  proxyUri,
} from './contact-binding.js';
import { contactScript } from './contact-script.js';
import { PBX_ERR_STATE_CORRUPT, PBX_ERR_STATE_INPUT_INVALID } from './state-errors.js';
import type { StateKeys } from './state-keys.js';

/** Upper bound on contacts per extension, whatever a RegHook asks for. */
export const MAX_CLIENTS_LIMIT = 100;
/** Upper bound on a contact's expiry (one week). */
const MAX_EXPIRES_SEC = 7 * 24 * 3600;

type ScriptReply = [string, string[] | number | [number, number, string[]], [string, string | null, string][]];

/**
 * Registrations: several contacts per extension, each with its own expiry,
 * at most `maxClients` of them (the oldest registration is evicted). Every
 * operation is one atomic Lua script that prunes expired contacts first, so
 * parallel REGISTERs on any number of registrar replicas never exceed the limit.
 */
export class ContactStore {
  readonly #redis: Redis;
  readonly #keys: StateKeys;

  constructor(redis: Redis, keys: StateKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  /**
   * Adds or refreshes `binding` (keyed by its URI) for `expiresSec` seconds.
   * @param maxClients - contacts allowed for the extension; @defaultValue 1
   */
  async add(domain: string, ext: string, binding: ContactBinding, expiresSec: number, maxClients = 1): Promise<AddContactResult> {
    const record = validateAdd(binding, expiresSec, maxClients);
    const reply = await this.#run(domain, ext, ['add', ext, binding.uri, record, expiresSec * 1000, maxClients]);
    return Object.freeze({ contacts: this.#decode(domain, ext, reply), evicted: Object.freeze(reply[1] as string[]) });
  }

  /**
   * {@link add} for a REGISTER, in the same single round trip: unless the live
   * contact with this URI has the binding's `callId` and a `cseq` at or above
   * the binding's (an out-of-order or replayed REGISTER, RFC 3261 §10.3 step 7),
   * in which case nothing changes. Says whether the contact existed before.
   * @param maxClients - contacts allowed for the extension; @defaultValue 1
   */
  async bind(domain: string, ext: string, binding: ContactBinding, expiresSec: number, maxClients = 1): Promise<BindContactResult> {
    const record = validateAdd(binding, expiresSec, maxClients);
    const cseq = binding.cseq === undefined ? '' : binding.cseq;
    const reply = await this.#run(domain, ext, ['bind', ext, binding.uri, record, expiresSec * 1000, maxClients, binding.callId, cseq]);
    const [known, stale, evicted] = reply[1] as [number, number, string[]];
    return Object.freeze({
      contacts: this.#decode(domain, ext, reply),
      evicted: Object.freeze(evicted),
      known: known === 1,
      applied: stale !== 1,
    });
  }

  /** Removes one contact (REGISTER with `Expires: 0`); resolves whether it existed. */
  async remove(domain: string, ext: string, uri: string): Promise<boolean> {
    if (typeof uri !== 'string' || uri === '') throw new PBX_ERR_STATE_INPUT_INVALID('contact uri', 'empty');
    const reply = await this.#run(domain, ext, ['remove', ext, uri]);
    return reply[1] === 1;
  }

  /** Removes every contact (`Contact: *`, RFC 3261 §10.2.2); resolves how many there were. */
  async clear(domain: string, ext: string): Promise<number> {
    const reply = await this.#run(domain, ext, ['clear', ext]);
    return reply[1] as number;
  }

  /** The current contacts, soonest expiry first. */
  async list(domain: string, ext: string): Promise<readonly StoredContact[]> {
    return this.#decode(domain, ext, await this.#run(domain, ext, ['list', ext]));
  }

  /** Extensions of `domain` with at least one live contact. */
  async listExtensions(domain: string): Promise<string[]> {
    const [sec, usec] = await this.#redis.time();
    const now = Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
    return this.#redis.zrangebyscore(this.#keys.domainClients(domain), `(${now}`, '+inf');
  }

  /** Extensions with at least one live contact, summed over `domains` (one ZCOUNT each, pipelined). */
  async countExtensions(domains: readonly string[]): Promise<number> {
    if (domains.length === 0) return 0;
    const [sec, usec] = await this.#redis.time();
    const now = Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
    const counts = await Promise.all(domains.map((d) => this.#redis.zcount(this.#keys.domainClients(d), `(${now}`, '+inf')));
    return counts.reduce((a, b) => a + b, 0);
  }

  async #run(domain: string, ext: string, args: (string | number)[]): Promise<ScriptReply> {
    const k = this.#keys;
    const keys = [k.client(domain, ext), k.clientExpiries(domain, ext), k.clientOrder(domain, ext), k.domainClients(domain)];
    return (await contactScript.run(this.#redis, keys, args)) as ScriptReply;
  }

  #decode(domain: string, ext: string, reply: ScriptReply): readonly StoredContact[] {
    const now = Number(reply[0]);
    const key = this.#keys.client(domain, ext);
    const out = reply[2].map(([id, json, at]): StoredContact => {
      if (json === null) throw new PBX_ERR_STATE_CORRUPT(key, `contact ${id} has no data`);
      let data: ContactBinding;
      try {
        data = JSON.parse(json) as ContactBinding;
      } catch {
        throw new PBX_ERR_STATE_CORRUPT(key, `contact ${id} is not JSON`);
      }
      const expiresAt = Number(at);
      return Object.freeze({
        ...data,
        proxy: proxyUri(data.source),
        expiresAt,
        expiresIn: Math.max(1, Math.ceil((expiresAt - now) / 1000)),
      });
    });
    return Object.freeze(out);
  }
}

function pickBinding(b: ContactBinding): ContactBinding {
  const { uri, source, callId, cseq, userAgent, dialplan, codecs } = b;
  return { uri, source: { ip: source.ip, port: source.port, transport: source.transport }, callId, cseq, userAgent, dialplan, codecs };
}

/** Validates the arguments of {@link ContactStore.add}; returns the record to store. */
function validateAdd(binding: ContactBinding, expiresSec: number, maxClients: number): string {
  validateBinding(binding);
  if (!Number.isInteger(expiresSec) || expiresSec < 1 || expiresSec > MAX_EXPIRES_SEC) {
    throw new PBX_ERR_STATE_INPUT_INVALID('expires', `expected an integer in [1, ${MAX_EXPIRES_SEC}], got ${expiresSec}`);
  }
  if (!Number.isInteger(maxClients) || maxClients < 1 || maxClients > MAX_CLIENTS_LIMIT) {
    throw new PBX_ERR_STATE_INPUT_INVALID('maxClients', `expected an integer in [1, ${MAX_CLIENTS_LIMIT}], got ${maxClients}`);
  }
  return JSON.stringify(pickBinding(binding));
}

function validateBinding(b: ContactBinding): void {
  const bad = (what: string, why: string): never => {
    throw new PBX_ERR_STATE_INPUT_INVALID(what, why);
  };
  if (b === null || typeof b !== 'object') bad('contact', 'not an object');
  if (typeof b.uri !== 'string' || b.uri === '' || b.uri.length > 1024) bad('contact uri', 'must be a non-empty string ≤ 1024');
  if (typeof b.callId !== 'string' || b.callId === '') bad('contact callId', 'must be a non-empty string');
  const s = b.source;
  if (s === null || typeof s !== 'object') bad('contact source', 'not an object');
  parseIp(s.ip);
  if (!Number.isInteger(s.port) || s.port < 1 || s.port > 65535) bad('contact source port', `out of range: ${s.port}`);
  if (!SIP_TRANSPORTS.includes(s.transport)) bad('contact source transport', `unknown "${s.transport}"`);
  if (b.cseq !== undefined && (!Number.isInteger(b.cseq) || b.cseq < 0)) bad('contact cseq', 'not a non-negative integer');
  if (b.codecs !== undefined && (!Array.isArray(b.codecs) || b.codecs.some((c) => typeof c !== 'string'))) {
    bad('contact codecs', 'not an array of strings');
  }
  if (b.dialplan !== undefined && (b.dialplan === null || typeof b.dialplan !== 'object' || Array.isArray(b.dialplan))) {
    bad('contact dialplan', 'not an object');
  }
}
