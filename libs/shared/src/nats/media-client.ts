import type { NatsConnection } from 'nats';
import type { JsonCodec } from './json-codec.js';
import { createJsonCodec } from './json-codec.js';
import { request } from './request.js';
import type { MediaOp, Subjects } from './subjects.js';
import type { MediaAnswerRequest } from '../model/media/media-answer.js';
import { type MediaDeleteRequest, type MediaDeleteResult, MediaDeleteResultSchema } from '../model/media/media-delete.js';
import type { MediaDtmfRequest } from '../model/media/media-dtmf.js';
import { type MediaOfferRequest, type MediaSdpResult, MediaSdpResultSchema } from '../model/media/media-offer.js';
import { type MediaPlayRequest, type MediaPlayResult, MediaPlayResultSchema, type MediaStopRequest } from '../model/media/media-play.js';
import { type MediaAckResult, MediaAckResultSchema, type MediaQueryRequest, type MediaQueryResult, MediaQueryResultSchema } from '../model/media/media-query.js';
import {
  type MediaSubscribeAnswerRequest,
  type MediaSubscribeRequest,
  type MediaSubscribeResult,
  MediaSubscribeResultSchema,
  type MediaUnsubscribeRequest,
} from '../model/media/media-subscribe.js';

/** Options of {@link MediaClient}. */
export interface MediaClientOptions {
  /** Subject names (with the deployment's or test's prefix). */
  readonly subjects: Subjects;
  /**
   * How long to wait for the media-controller. Longer than twice the
   * controller's engine timeout (2000 ms; a new call's offer may try two
   * engines), so an engine failure comes back as its specific error.
   * @defaultValue 5000
   */
  readonly timeoutMs?: number;
}

const sdpCodec = createJsonCodec(MediaSdpResultSchema);
const ackCodec = createJsonCodec(MediaAckResultSchema);
const deleteCodec = createJsonCodec(MediaDeleteResultSchema);
const playCodec = createJsonCodec(MediaPlayResultSchema);
const subscribeCodec = createJsonCodec(MediaSubscribeResultSchema);
const queryCodec = createJsonCodec(MediaQueryResultSchema);

/**
 * The typed client of `dragon.media.*` the call-router uses. Every method
 * rejects with the shared NATS errors (`PBX_ERR_NATS_TIMEOUT`, `…_NO_RESPONDERS`)
 * or a `NatsRemoteError` whose `remote.code` is one of the `PBX_ERR_MEDIA_…`
 * codes (see media-errors.ts); replies are validated against their schemas.
 */
export class MediaClient {
  readonly #nc: NatsConnection;
  readonly #subjects: Subjects;
  readonly #timeoutMs: number;

  constructor(options: MediaClientOptions, deps: { readonly nc: NatsConnection }) {
    this.#nc = deps.nc;
    this.#subjects = options.subjects;
    this.#timeoutMs = options.timeoutMs ?? 5000;
  }

  offer(req: MediaOfferRequest): Promise<MediaSdpResult> {
    return this.#call('offer', req, sdpCodec);
  }
  answer(req: MediaAnswerRequest): Promise<MediaSdpResult> {
    return this.#call('answer', req, sdpCodec);
  }
  delete(req: MediaDeleteRequest): Promise<MediaDeleteResult> {
    return this.#call('delete', req, deleteCodec);
  }
  play(req: MediaPlayRequest): Promise<MediaPlayResult> {
    return this.#call('play', req, playCodec);
  }
  stop(req: MediaStopRequest): Promise<MediaAckResult> {
    return this.#call('stop', req, ackCodec);
  }
  dtmf(req: MediaDtmfRequest): Promise<MediaAckResult> {
    return this.#call('dtmf', req, ackCodec);
  }
  subscribe(req: MediaSubscribeRequest): Promise<MediaSubscribeResult> {
    return this.#call('subscribe', req, subscribeCodec);
  }
  subscribeAnswer(req: MediaSubscribeAnswerRequest): Promise<MediaAckResult> {
    return this.#call('subscribe-answer', req, ackCodec);
  }
  unsubscribe(req: MediaUnsubscribeRequest): Promise<MediaAckResult> {
    return this.#call('unsubscribe', req, ackCodec);
  }
  query(req: MediaQueryRequest): Promise<MediaQueryResult> {
    return this.#call('query', req, queryCodec);
  }

  #call<R>(op: MediaOp, payload: unknown, resultCodec: JsonCodec<R>): Promise<R> {
    return request(this.#nc, this.#subjects.media(op), payload, { timeoutMs: this.#timeoutMs, resultCodec });
  }
}
