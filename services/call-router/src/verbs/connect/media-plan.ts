import { isDirectMedia, withoutDirect } from '@dragonpbx/shared/contracts';
import { PBX_ERR_SDP_NO_COMMON_CODEC } from '../../call-router-errors.js';
import { audioCodecs, readSdp } from '../../sdp/read-sdp.js';
import type { LegTarget } from './resolve-legs.js';

/** How a connect's media is set up (docs/contract.md §4.2 "Codecs"). */
export interface MediaPlan {
  /** The caller's codec list (mask of the A side), without `DIRECT`. */
  readonly callerCodecs: string[];
  /** The destination's codec list (transcoded towards B), without `DIRECT`. */
  readonly destCodecs: string[];
  /** `DIRECT` on both sides: RTPEngine is left out and SDPs pass end to end. */
  readonly direct: boolean;
}

/**
 * One plan serves every leg: the destination codecs are those of the first leg
 * that names some (a registered client's, a `sip` dest's `codecs`, a trunk's), else the caller's.
 */
export function mediaPlan(targets: readonly Pick<LegTarget, 'codecs'>[], callerCodecs: readonly string[]): MediaPlan {
  const destCodecs: readonly string[] = targets.find((t) => t.codecs !== undefined)?.codecs ?? callerCodecs;
  return { callerCodecs: withoutDirect(callerCodecs), destCodecs: withoutDirect(destCodecs), direct: isDirectMedia(callerCodecs, destCodecs) };
}

/**
 * Throws `PBX_ERR_SDP_NO_COMMON_CODEC` (488, RFC 3264 §6) when `sdp` offers no
 * voice codec from `allowed` (an empty list allows anything). Used on the
 * caller's offer against the caller's codecs, and on RTPEngine's offer, which
 * keeps no voice codec when masking and transcoding left none.
 */
export function assertCommonCodec(sdp: string, allowed: readonly string[], whose: string): void {
  const offered = audioCodecs(readSdp(sdp));
  if (offered.length === 0) throw new PBX_ERR_SDP_NO_COMMON_CODEC(`${whose} offers no voice codec`);
  if (allowed.length === 0) return;
  const want = new Set(allowed.map((c) => c.toUpperCase()));
  if (!offered.some((c) => want.has(c))) {
    throw new PBX_ERR_SDP_NO_COMMON_CODEC(`${whose} offers ${offered.join(',').slice(0, 60)}, allowed ${[...want].join(',').slice(0, 60)}`);
  }
}
