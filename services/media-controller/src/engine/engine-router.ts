import {
  PBX_ERR_MEDIA_CALL_UNKNOWN,
  PBX_ERR_MEDIA_ENGINE_DOWN,
  PBX_ERR_MEDIA_ENGINE_REFUSED,
  PBX_ERR_MEDIA_ENGINE_TIMEOUT,
  PBX_ERR_MEDIA_NO_ENGINE,
} from '@dragonpbx/shared/contracts';
import { EngineCallUnknown } from '../ng/engine-call-unknown.js';
import type { NgCommand, NgReply } from '../ng/ng-command.js';
import type { NgClient } from '../ng/ng-client.js';
import type { CallAffinity } from './call-affinity.js';
import type { EnginePool } from './engine-pool.js';
import type { RtpEngine } from './rtp-engine.js';

/** A reply together with the engine that produced it. */
export interface RoutedReply {
  readonly engine: RtpEngine;
  readonly reply: NgReply;
}

/**
 * Sends ng commands to the engine that owns a call: placing new calls on a
 * healthy engine (recorded in Redis), failing fast for calls on a dead engine,
 * and taking an engine out of rotation as soon as one of its commands times out.
 */
export class EngineRouter {
  readonly #pool: EnginePool;
  readonly #affinity: CallAffinity;
  readonly #ng: NgClient;

  constructor(deps: { readonly pool: EnginePool; readonly affinity: CallAffinity; readonly ng: NgClient }) {
    this.#pool = deps.pool;
    this.#affinity = deps.affinity;
    this.#ng = deps.ng;
  }

  /**
   * An offer: reuses the call's engine when it has one (re-offer, or another
   * fork of a parallel connect), otherwise places the call. A new call whose
   * engine times out is retried once on another healthy engine.
   *
   * The Redis claim and the engine's offer go out together, so placing a call
   * costs one round trip, not two; the reply still waits for both, so no other
   * replica can be asked about the call before Redis records it. When Redis
   * names another engine than the one offered to (a fork another replica
   * placed, or this replica's cache was stale), the session the offer made
   * there is deleted and the offer goes to the recorded engine.
   */
  async offer(callId: string, params: Record<string, unknown>): Promise<RoutedReply> {
    const tried = new Set<string>();
    for (;;) {
      // The engine this replica already knows for the call is the best guess;
      // a known call whose engine is down is claimed first (no guess to make).
      const knownId = tried.size === 0 ? this.#affinity.cached(callId) : undefined;
      const known = knownId === undefined ? undefined : this.#pool.get(knownId);
      if (knownId !== undefined && !known?.up) return this.#offerClaimedFirst(callId, params, tried);
      const candidate = known ?? this.#pool.pick(tried);
      tried.add(candidate.id);
      const sent = settle(this.#sendTo(candidate, callId, 'offer', params));
      let owner: string;
      try {
        owner = await this.#affinity.claim(callId, candidate.id);
      } catch (err) {
        await sent;
        throw err;
      }
      const outcome = await sent;
      if (owner !== candidate.id) {
        // pick() charged the candidate with a call it does not get.
        if (known === undefined) candidate.sessions -= 1;
        if (outcome.ok) await this.#discard(candidate, callId);
        return this.#sendTo(this.#owner(owner, callId), callId, 'offer', params);
      }
      if (outcome.ok) return outcome.value;
      this.#moveOrThrow(outcome.error, candidate, tried);
      await this.#affinity.release(callId);
    }
  }

  /** The offer of a call recorded on an engine that is down: Redis decides, then the engine. */
  async #offerClaimedFirst(callId: string, params: Record<string, unknown>, tried: Set<string>): Promise<RoutedReply> {
    for (;;) {
      const candidate = this.#pool.pick(tried);
      tried.add(candidate.id);
      const owner = await this.#affinity.claim(callId, candidate.id);
      if (owner !== candidate.id) candidate.sessions -= 1;
      const engine = this.#owner(owner, callId);
      try {
        return await this.#sendTo(engine, callId, 'offer', params);
      } catch (err) {
        if (engine !== candidate) throw err;
        this.#moveOrThrow(err, candidate, tried);
        await this.#affinity.release(callId);
      }
    }
  }

  /**
   * After a failed offer on the call's own engine: returns when the call may
   * move to another engine (the engine timed out and another one is up).
   */
  #moveOrThrow(err: unknown, engine: RtpEngine, tried: ReadonlySet<string>): void {
    // Only a timeout moves a call; a refusal is the SDP's fault.
    if (!(err instanceof PBX_ERR_MEDIA_ENGINE_TIMEOUT)) throw err;
    if (!this.#pool.engines.some((e) => e.up && !tried.has(e.id))) {
      throw new PBX_ERR_MEDIA_NO_ENGINE(`${engine.id} timed out and no other engine is up`);
    }
  }

  /** Deletes the session an offer made on an engine that does not own the call. */
  async #discard(engine: RtpEngine, callId: string): Promise<void> {
    try {
      await this.#ng.send(engine, 'delete', { 'call-id': callId, 'delete-delay': 0 });
    } catch {
      // Best effort: the engine times the idle session out on its own.
    }
  }

  /**
   * Any other command for an existing call.
   * @throws PBX_ERR_MEDIA_CALL_UNKNOWN when no engine is recorded for the call
   * @throws PBX_ERR_MEDIA_ENGINE_DOWN when its engine is down (without waiting)
   */
  async send(callId: string, command: NgCommand, params: Record<string, unknown>): Promise<RoutedReply> {
    const found = await this.#affinity.lookup(callId);
    if (found === undefined) throw new PBX_ERR_MEDIA_CALL_UNKNOWN(callId);
    try {
      return await this.#sendTo(this.#owner(found.engineId, callId), callId, command, params);
    } catch (err) {
      // A cached entry may be stale (another replica deleted or re-placed the
      // call): when the engine disowns the call, ask Redis once more.
      if (!found.cached || !isStale(err)) throw err;
      this.#affinity.forget(callId);
      return this.send(callId, command, params);
    }
  }

  /**
   * Deletes a whole call, dropping its affinity in the same Redis round trip.
   * When this replica's cache knows the call's engine, the engine's delete and
   * the Redis GETDEL go out together; if Redis names another engine (the cache
   * was stale) the delete is sent there as well. When the engine cannot be
   * reached the entry is put back, so later operations still report
   * PBX_ERR_MEDIA_ENGINE_DOWN rather than "unknown".
   */
  async deleteCall(callId: string, params: Record<string, unknown>): Promise<RoutedReply> {
    const knownId = this.#affinity.cached(callId);
    const known = knownId === undefined ? undefined : this.#pool.get(knownId);
    if (!known?.up) return this.#deleteRecorded(callId, await this.#affinity.take(callId), params);
    const sent = settle(this.#sendTo(known, callId, 'delete', params));
    let id: string | undefined;
    try {
      id = await this.#affinity.take(callId);
    } catch (err) {
      await sent;
      throw err;
    }
    const outcome = await sent;
    if (id === known.id) {
      if (outcome.ok) return outcome.value;
      if (!(outcome.error instanceof PBX_ERR_MEDIA_ENGINE_REFUSED)) await this.#affinity.restore(callId, known.id);
      throw outcome.error;
    }
    // Stale cache: nobody records the call any more (unknown, as without a cache: an
    // engine answers `ok` to the delete of a call it does not know), or another engine holds it.
    return this.#deleteRecorded(callId, id, params);
  }

  async #deleteRecorded(callId: string, id: string | undefined, params: Record<string, unknown>): Promise<RoutedReply> {
    if (id === undefined) throw new PBX_ERR_MEDIA_CALL_UNKNOWN(callId);
    try {
      return await this.#sendTo(this.#owner(id, callId), callId, 'delete', params);
    } catch (err) {
      if (!(err instanceof PBX_ERR_MEDIA_ENGINE_REFUSED)) await this.#affinity.restore(callId, id);
      throw err;
    }
  }

  releaseCall(callId: string): Promise<void> {
    return this.#affinity.release(callId);
  }

  #owner(id: string, callId: string): RtpEngine {
    const engine = this.#pool.get(id);
    // An engine no longer in RTPENGINE_HOSTS counts as down for its calls.
    if (engine === undefined || !engine.up) throw new PBX_ERR_MEDIA_ENGINE_DOWN(id, callId);
    return engine;
  }

  async #sendTo(engine: RtpEngine, callId: string, command: NgCommand, params: Record<string, unknown>): Promise<RoutedReply> {
    try {
      const reply = await this.#ng.send(engine, command, { 'call-id': callId, ...params });
      return { engine, reply };
    } catch (err) {
      if (err instanceof PBX_ERR_MEDIA_ENGINE_TIMEOUT) this.#pool.markDown(engine, (err as Error).message);
      throw err;
    }
  }
}

type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** Waits for a promise without letting it reject (its outcome is looked at later). */
function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  return p.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}

/** Errors that may only mean "this replica's cached engine is out of date". */
function isStale(err: unknown): boolean {
  return err instanceof PBX_ERR_MEDIA_ENGINE_DOWN || err instanceof EngineCallUnknown;
}
