import { type CompiledDialplan, type DialplanMatch, SipError, compileDialplan } from '@dragonpbx/shared/contracts';
import type { ContactStore, StoredContact } from '@dragonpbx/shared/state';
import type { Caller } from './caller.js';
import type { InviteInfo } from './invite-info.js';

/** The dialplan entry a call matched, and the caller's codec list (docs/contract.md §1.4 step 1). */
export interface DialplanSelection {
  readonly match: DialplanMatch;
  /** The registration's codecs for a client, the trunk's for a trunk; `undefined` → `DEFAULT_CODECS`. */
  readonly codecs?: readonly string[];
}

/** Collaborators of {@link selectDialplan}. */
export interface SelectDialplanDeps {
  readonly contacts: Pick<ContactStore, 'list'>;
  readonly dialplans: DialplanCache;
}

const notFound = (why: string) => new SipError(404, 'Not Found', { 'X-Reason': why });

/**
 * Compiled dialplans, so a busy extension's dialplan is compiled once, not per
 * call: trunk dialplans by object identity (config snapshots are immutable),
 * registered ones by their JSON text, at most `max` of those.
 */
export class DialplanCache {
  readonly #byObject = new WeakMap<object, CompiledDialplan | Error>();
  readonly #byText = new Map<string, CompiledDialplan | Error>();
  readonly #max: number;

  constructor(max = 1000) {
    this.#max = max;
  }

  /** The compiled dialplan; throws the compile error (cached too) for a bad one. */
  get(dialplan: Readonly<Record<string, unknown>>, fromConfig: boolean): CompiledDialplan {
    let hit: CompiledDialplan | Error | undefined;
    let text = '';
    if (fromConfig) hit = this.#byObject.get(dialplan);
    else {
      text = JSON.stringify(dialplan);
      hit = this.#byText.get(text);
    }
    if (hit === undefined) {
      try {
        hit = compileDialplan(dialplan);
      } catch (err) {
        hit = err as Error;
      }
      if (fromConfig) this.#byObject.set(dialplan, hit);
      else {
        if (this.#byText.size >= this.#max) this.#byText.delete(this.#byText.keys().next().value!);
        this.#byText.set(text, hit);
      }
    }
    if (hit instanceof Error) throw hit;
    return hit;
  }
}

/**
 * The registration a client's call comes from: the contact registered from
 * the INVITE's source address, else the one registered last (the latest
 * expiry). Each registration carries the dialplan its RegHook gave.
 */
export function pickContact(contacts: readonly StoredContact[], invite: InviteInfo): StoredContact | undefined {
  const same = contacts.find((c) => c.source.ip === invite.sourceIp && c.source.port === invite.sourcePort);
  if (same) return same;
  let latest: StoredContact | undefined;
  for (const c of contacts) if (latest === undefined || c.expiresAt >= latest.expiresAt) latest = c;
  return latest;
}

/**
 * Routing step 4 (docs/contract.md §1.2 step 5): a trunk call uses the trunk's
 * dialplan, a client call the dialplan stored with its registration (a client
 * must be registered to place calls). The dialled number is the To user;
 * precedence per docs/contract.md §6 (exact key, then most specific pattern, then object
 * order). No dialplan, an invalid one, or no match → 404.
 */
export async function selectDialplan(invite: InviteInfo, caller: Caller, deps: SelectDialplanDeps): Promise<DialplanSelection> {
  let dialplan: Readonly<Record<string, unknown>> | undefined;
  let codecs: readonly string[] | undefined;
  if (caller.kind === 'trunk') {
    dialplan = caller.trunk.dialplan;
    codecs = caller.trunk.codecs;
  } else {
    const contact = pickContact(await deps.contacts.list(invite.domain, caller.username), invite);
    if (contact === undefined) throw notFound('caller not registered');
    dialplan = contact.dialplan;
    codecs = contact.codecs;
  }
  if (dialplan === undefined) throw notFound('no dialplan');
  let compiled: CompiledDialplan;
  try {
    compiled = deps.dialplans.get(dialplan, caller.kind === 'trunk');
  } catch {
    throw notFound('invalid dialplan');
  }
  const match = compiled.match(invite.to);
  if (match === undefined) throw notFound('no dialplan match');
  return { match, ...(codecs !== undefined && codecs.length > 0 && { codecs }) };
}
