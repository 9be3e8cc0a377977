import {
  PBX_ERR_MEDIA_CALL_UNKNOWN,
  PBX_ERR_MEDIA_ENGINE_DOWN,
  PBX_ERR_MEDIA_ENGINE_REFUSED,
  PBX_ERR_MEDIA_ENGINE_TIMEOUT,
  PBX_ERR_MEDIA_NO_ENGINE,
} from '@dragonpbx/shared';
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
   */
  async offer(callId: string, params: Record<string, unknown>): Promise<RoutedReply> {
    const tried = new Set<string>();
    for (;;) {
      // Claim first (one Redis round trip for a new call); a call that already
      // has an engine keeps it and the candidate is not charged for it.
      const candidate = this.#pool.pick(tried);
      tried.add(candidate.id);
      const owner = await this.#affinity.claim(callId, candidate.id);
      if (owner !== candidate.id) candidate.sessions -= 1;
      const engine = this.#owner(owner, callId);
      try {
        return await this.#sendTo(engine, callId, 'offer', params);
      } catch (err) {
        // Only a fresh placement that timed out moves; a refusal is the SDP's fault.
        if (!(err instanceof PBX_ERR_MEDIA_ENGINE_TIMEOUT) || engine !== candidate) throw err;
        await this.#affinity.release(callId);
        if (!this.#pool.engines.some((e) => e.up && !tried.has(e.id))) {
          throw new PBX_ERR_MEDIA_NO_ENGINE(`${candidate.id} timed out and no other engine is up`);
        }
      }
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
   * When the engine cannot be reached the entry is put back, so later
   * operations still report PBX_ERR_MEDIA_ENGINE_DOWN rather than "unknown".
   */
  async deleteCall(callId: string, params: Record<string, unknown>): Promise<RoutedReply> {
    const id = await this.#affinity.take(callId);
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

/** Errors that may only mean "this replica's cached engine is out of date". */
function isStale(err: unknown): boolean {
  if (err instanceof PBX_ERR_MEDIA_ENGINE_DOWN) return true;
  return err instanceof PBX_ERR_MEDIA_ENGINE_REFUSED && /unknown call|call-id not found/i.test((err as Error).message);
}
