import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { playableFile } from '../announce/playable-file.js';
import { placeholderAnswer, playToCaller, stopPlayback } from '../early-media.js';
import type { VerbContext, VerbServices } from '../verb-context.js';
import type { LegProgress } from './b-leg.js';
import { PBX_ERR_CALL_TRANSITION } from '../../call-router-errors.js';

/**
 * What the caller hears while a `connect` rings (docs/contract.md §4.2).
 *
 * ```
 *  Idle ──first 180──► Ringback ──far-end 18x with SDP──► Relaying ──(same leg, new SDP)──┐
 *   │    (183 + ringtone)  │                                  ▲  ◄─────────────────────────┘
 *   └────────────── far-end 18x with SDP ─────────────────────┘
 *  Idle | Ringback | Relaying ── a leg answered / every leg failed / caller CANCEL ──► Stopped
 * ```
 */
export enum RingbackState {
  Idle = 'idle',
  Ringback = 'ringback',
  Relaying = 'relaying',
  Stopped = 'stopped',
}

export const RINGBACK_TRANSITIONS: Readonly<Record<RingbackState, readonly RingbackState[]>> = Object.freeze({
  [RingbackState.Idle]: [RingbackState.Ringback, RingbackState.Relaying, RingbackState.Stopped],
  [RingbackState.Ringback]: [RingbackState.Relaying, RingbackState.Stopped],
  [RingbackState.Relaying]: [RingbackState.Relaying, RingbackState.Stopped],
  [RingbackState.Stopped]: [],
});

/** RTPEngine plays the ringtone at most this many times in a row (the original's figure). */
export const RINGBACK_REPEAT = 600;

/** Options of {@link Ringback}. */
export interface RingbackOptions {
  /** The verb's `ringtone`, else `DEFAULT_RINGTONE`: `file:/x.wav` or `/x.wav` under `MEDIA_PATH`. */
  readonly ringtone: string;
  /** Direct media (`DIRECT` on both sides): no RTPEngine session, so no ringtone; far-end SDP passes as it is. */
  readonly direct: boolean;
}

/**
 * Early media of one `connect` (docs/contract.md §4.2). On the first 180 of any
 * leg the caller gets a 183 with RTPEngine's SDP (the caller's offer answered
 * against a placeholder under that leg's To tag) and the ringtone plays,
 * repeated; a 180 after that is not passed on. A far-end provisional WITH SDP
 * (usually 183) stops the ringtone: its SDP is answered through RTPEngine
 * under that leg's To tag and the result goes to the caller in a 183; only
 * the first leg that sends early media is relayed. Any other provisional
 * (181, 182, a 183 without SDP) is relayed bare. With direct media, or when the
 * ringtone cannot be played (`PBX_ERR_RINGTONE_UNAVAILABLE` logged), the first
 * 180 is relayed bare so the caller's phone rings locally.
 *
 * SIP and media work runs one step at a time, in arrival order; a failure is
 * logged and never ends the call.
 */
export class Ringback {
  readonly #ctx: VerbContext;
  readonly #services: VerbServices;
  readonly #options: RingbackOptions;
  #state = RingbackState.Idle;
  #queue: Promise<void> = Promise.resolve();
  #playing = false;
  /** To tag of the leg whose early media the caller hears. */
  #relayTag: string | undefined;

  constructor(ctx: VerbContext, services: VerbServices, options: RingbackOptions) {
    this.#ctx = ctx;
    this.#services = services;
    this.#options = options;
    // A caller CANCEL silences the ringtone at once, before the legs' 487s come back.
    ctx.signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  readonly #onAbort = (): void => {
    void this.stop();
  };

  get state(): RingbackState {
    return this.#state;
  }

  /** A provisional response (101–199) of one leg. */
  onProgress(p: LegProgress): void {
    if (this.#state === RingbackState.Stopped) return;
    if (p.sdp.trim() !== '') {
      if (this.#relayTag !== undefined && this.#relayTag !== p.toTag) return;
      this.#to(RingbackState.Relaying);
      this.#relayTag = p.toTag;
      this.#enqueue('relaying early media', () => this.#relay(p));
    } else if (p.status === 180) {
      if (this.#state !== RingbackState.Idle) return;
      this.#to(RingbackState.Ringback);
      this.#enqueue('starting the ringback', () => this.#start(p.toTag));
    } else {
      this.#enqueue('relaying a provisional response', async () => this.#progress(p.status, ''));
    }
  }

  /** Stops the ringtone (a leg answered, every leg failed, or the caller left); resolves once it is stopped. */
  stop(): Promise<void> {
    if (this.#state !== RingbackState.Stopped) {
      this.#to(RingbackState.Stopped);
      this.#ctx.signal.removeEventListener('abort', this.#onAbort);
      this.#enqueue('stopping the ringback', () => this.#silence());
    }
    return this.#queue;
  }

  async #start(toTag: string): Promise<void> {
    const file = this.#options.direct ? undefined : await this.#ringtoneFile();
    if (this.#state !== RingbackState.Ringback) return;
    if (file === undefined) {
      this.#progress(180, '');
      return;
    }
    const sdp = await placeholderAnswer(this.#ctx, this.#services, toTag);
    if (this.#state !== RingbackState.Ringback) return;
    this.#progress(183, sdp);
    await playToCaller(this.#ctx, this.#services, file, RINGBACK_REPEAT);
    this.#playing = true;
    // A stop or a relay that came meanwhile is queued after this step and silences it.
  }

  async #relay(p: LegProgress): Promise<void> {
    await this.#silence();
    if (this.#state !== RingbackState.Relaying) return;
    const { sdp } = await this.#services.media.answer({
      callId: this.#ctx.callId,
      fromTag: this.#ctx.caller.fromTag,
      toTag: p.toTag,
      sdp: p.sdp,
      direct: this.#options.direct,
    });
    if (this.#state === RingbackState.Relaying) this.#progress(183, sdp);
  }

  async #silence(): Promise<void> {
    if (!this.#playing) return;
    this.#playing = false;
    await stopPlayback(this.#ctx, this.#services);
  }

  /** The ringtone's local file (under `MEDIA_PATH`, or an http(s) one downloaded once), `undefined` (logged) when it cannot be played. */
  async #ringtoneFile(): Promise<string | undefined> {
    const url = this.#options.ringtone;
    try {
      const file = await playableFile(url, this.#services);
      await access(file, constants.R_OK);
      return file;
    } catch (err) {
      this.#ctx.logger.warn(
        { code: 'PBX_ERR_RINGTONE_UNAVAILABLE', callId: this.#ctx.callId, ringtone: url, why: (err as Error).message },
        'ringtone cannot be played; the caller gets a bare 180',
      );
      return undefined;
    }
  }

  #progress(status: number, sdp: string): void {
    if (!this.#ctx.signal.aborted) this.#ctx.progress(status, sdp);
  }

  #enqueue(what: string, step: () => Promise<void>): void {
    this.#queue = this.#queue.then(step).catch((err: unknown) => {
      // Code and message only: the queue's tail must not throw (stop() awaits it before the answer).
      const e = err as { code?: string; remote?: { code?: string }; message?: string } | undefined;
      this.#ctx.logger.warn(
        { code: e?.remote?.code ?? e?.code ?? 'PBX_ERR_RINGBACK', why: e?.message, callId: this.#ctx.callId },
        `ringback: ${what} failed`,
      );
    });
  }

  #to(next: RingbackState): void {
    if (!RINGBACK_TRANSITIONS[this.#state].includes(next)) throw new PBX_ERR_CALL_TRANSITION(`ringback ${this.#state}`, next);
    this.#state = next;
  }
}
