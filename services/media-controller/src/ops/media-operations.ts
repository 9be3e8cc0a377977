import {
  type MediaAckResult,
  type MediaAnswerRequest,
  type MediaDeleteRequest,
  type MediaDeleteResult,
  type MediaDtmfRequest,
  type MediaOfferRequest,
  type MediaPlayRequest,
  type MediaPlayResult,
  type MediaQueryRequest,
  type MediaQueryResult,
  type MediaSdpResult,
  type MediaStopRequest,
  type MediaSubscribeAnswerRequest,
  type MediaSubscribeRequest,
  type MediaSubscribeResult,
  type MediaUnsubscribeRequest,
  PBX_ERR_MEDIA_CALL_UNKNOWN,
  PBX_ERR_MEDIA_ENGINE_REPLY,
} from '@dragonpbx/shared/contracts';
import type { EngineRouter, RoutedReply } from '../engine/engine-router.js';
import { EngineCallUnknown } from '../ng/engine-call-unknown.js';
import { codecFlags } from './codec-flags.js';
import { partiesOf } from './query-parties.js';

const ACK: MediaAckResult = Object.freeze({ ok: true as const });

/** The SIPREC stream's codec when the verb names none (docs/contract.md §4.5). */
const DEFAULT_RECORDING_CODECS = ['PCMU'];
/** Defaults of the original's SIP INFO relay (docs/contract.md §4.2). */
const DEFAULT_DTMF_MS = 250;
const DEFAULT_DTMF_PAUSE_MS = 100;

/**
 * One method per `dragon.media.<op>`: turns a validated request into ng
 * parameters, routes it to the call's engine and shapes the reply.
 */
export class MediaOperations {
  readonly #router: EngineRouter;
  readonly #deleteDelaySec: number;

  constructor(options: { readonly deleteDelaySec: number }, deps: { readonly router: EngineRouter }) {
    this.#deleteDelaySec = options.deleteDelaySec;
    this.#router = deps.router;
  }

  async offer(req: MediaOfferRequest): Promise<MediaSdpResult> {
    // Direct media (both sides list DIRECT, decided by the call-router): the SDP
    // goes end to end and no engine keeps state for the call.
    if (req.direct === true) return { sdp: req.sdp, engine: null, direct: true };
    const params: Record<string, unknown> = {
      'from-tag': req.fromTag,
      sdp: req.sdp,
      flags: sessionFlags(req.injectDtmf),
      // RFC 3264 §5: the offer must describe the engine's ports, not the caller's.
      replace: ['origin', 'session-connection'],
      codec: codecFlags(req.callerCodecs, req.destCodecs, req.sdp),
    };
    if (req.toTag !== undefined) params['to-tag'] = req.toTag;
    return sdpResult(await this.#router.offer(req.callId, params), 'offer');
  }

  async answer(req: MediaAnswerRequest): Promise<MediaSdpResult> {
    if (req.direct === true) return { sdp: req.sdp, engine: null, direct: true };
    const routed = await this.#router.send(req.callId, 'answer', {
      'from-tag': req.fromTag,
      'to-tag': req.toTag,
      sdp: req.sdp,
      flags: sessionFlags(req.injectDtmf),
      replace: ['origin', 'session-connection'],
    });
    return sdpResult(routed, 'answer');
  }

  /** Idempotent: deleting a call the engine already forgot is `deleted: false`. */
  async delete(req: MediaDeleteRequest): Promise<MediaDeleteResult> {
    // RTPEngine otherwise keeps a deleted call (and its ports) for --delete-delay (30 s).
    const params: Record<string, unknown> = { 'delete-delay': this.#deleteDelaySec };
    if (req.fromTag !== undefined) params['from-tag'] = req.fromTag;
    if (req.toTag !== undefined) params['to-tag'] = req.toTag;
    const whole = req.fromTag === undefined;
    try {
      if (whole) await this.#router.deleteCall(req.callId, params);
      else await this.#router.send(req.callId, 'delete', params);
      return { deleted: true };
    } catch (err) {
      if (err instanceof PBX_ERR_MEDIA_CALL_UNKNOWN) return { deleted: false };
      if (!(err instanceof EngineCallUnknown)) throw err;
      // The engine forgot the call (e.g. its own timeout): nothing left to keep.
      await this.#router.releaseCall(req.callId);
      return { deleted: false };
    }
  }

  async play(req: MediaPlayRequest): Promise<MediaPlayResult> {
    const params: Record<string, unknown> = { 'from-tag': req.fromTag, file: req.file };
    if (req.repeatTimes !== undefined && req.repeatTimes > 1) params['repeat-times'] = req.repeatTimes;
    const { engine, reply } = await this.#router.send(req.callId, 'playMedia', params);
    const duration = reply.duration;
    if (typeof duration !== 'number' || !Number.isFinite(duration) || duration < 0) {
      throw new PBX_ERR_MEDIA_ENGINE_REPLY(engine.id, 'play media', 'no duration in the reply');
    }
    return { durationMs: Math.round(duration) };
  }

  async stop(req: MediaStopRequest): Promise<MediaAckResult> {
    await this.#router.send(req.callId, 'stopMedia', { 'from-tag': req.fromTag });
    return ACK;
  }

  async dtmf(req: MediaDtmfRequest): Promise<MediaAckResult> {
    // RTPEngine 10.5 takes one event per `play DTMF` and queues successive
    // events on the stream, separated by `pause` (RFC 4733 §2.5.1.5 timing).
    for (const digit of req.digits.toUpperCase()) {
      await this.#router.send(req.callId, 'playDTMF', {
        'from-tag': req.fromTag,
        code: digit,
        duration: req.durationMs ?? DEFAULT_DTMF_MS,
        pause: req.pauseMs ?? DEFAULT_DTMF_PAUSE_MS,
      });
    }
    return ACK;
  }

  async subscribe(req: MediaSubscribeRequest): Promise<MediaSubscribeResult> {
    const { engine, reply } = await this.#router.send(req.callId, 'subscribeRequest', {
      'from-tags': req.fromTags,
      // Only the chosen codecs reach the recorder, transcoded if need be.
      codec: { mask: ['all'], transcode: req.codecs && req.codecs.length > 0 ? req.codecs : DEFAULT_RECORDING_CODECS },
    });
    const sdp = reply.sdp;
    const toTag = reply['to-tag'];
    if (typeof sdp !== 'string' || typeof toTag !== 'string') {
      throw new PBX_ERR_MEDIA_ENGINE_REPLY(engine.id, 'subscribe request', 'no sdp or to-tag in the reply');
    }
    return { sdp, toTag };
  }

  async subscribeAnswer(req: MediaSubscribeAnswerRequest): Promise<MediaAckResult> {
    await this.#router.send(req.callId, 'subscribeAnswer', { 'to-tag': req.toTag, sdp: req.sdp });
    return ACK;
  }

  async unsubscribe(req: MediaUnsubscribeRequest): Promise<MediaAckResult> {
    await this.#router.send(req.callId, 'unsubscribe', { 'to-tag': req.toTag });
    return ACK;
  }

  async query(req: MediaQueryRequest): Promise<MediaQueryResult> {
    const { engine, reply } = await this.#router.send(req.callId, 'query', {});
    return { engine: engine.id, parties: partiesOf(reply) };
  }
}

/**
 * `port latching`: RTPEngine keeps its local ports when a later offer or answer of the same
 * dialog names another remote endpoint. Without it, the answer that follows early media (a
 * ringback answered against a placeholder, then the callee's real SDP) moves the caller's side
 * to a new port, and a phone that keeps listening to the 183's source loses the call's audio.
 */
function sessionFlags(injectDtmf: boolean | undefined): string[] {
  return injectDtmf === false ? ['port latching'] : ['port latching', 'inject DTMF'];
}

function sdpResult({ engine, reply }: RoutedReply, command: string): MediaSdpResult {
  if (typeof reply.sdp !== 'string') throw new PBX_ERR_MEDIA_ENGINE_REPLY(engine.id, command, 'no sdp in the reply');
  return { sdp: reply.sdp, engine: engine.id, direct: false };
}
