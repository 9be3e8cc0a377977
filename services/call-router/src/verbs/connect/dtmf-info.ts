import { PBX_ERR_DTMF_INFO_INVALID } from '../../call-router-errors.js';

/** One DTMF digit carried by a SIP INFO. */
export interface DtmfInfo {
  /** `0-9`, `*`, `#`, `A-D`. */
  readonly digit: string;
  /** Tone length, ms, within what the media-controller accepts. */
  readonly durationMs: number;
}

/** The content types of SIP INFO DTMF (docs/contract.md §4.2 "While connected"). */
export const DTMF_INFO_TYPES = Object.freeze(['application/dtmf-relay', 'application/dtmf']);

/** The original's default tone length when `Duration=` is absent. */
const DEFAULT_MS = 250;
const MIN_MS = 40;
const MAX_MS = 5000;
/** RFC 4733 §3.2 event codes 10-15 as some phones send them. */
const EVENT_CODES: Readonly<Record<string, string>> = { '10': '*', '11': '#', '12': 'A', '13': 'B', '14': 'C', '15': 'D' };

/**
 * Reads a DTMF INFO body: `application/dtmf-relay` is `Signal=<d>` and an
 * optional `Duration=<ms>` on separate lines; `application/dtmf` is the
 * digit alone. Throws `PBX_ERR_DTMF_INFO_INVALID` when no valid digit is
 * found or the duration is not a number.
 */
export function readDtmfInfo(contentType: string, body: string): DtmfInfo {
  let signal: string | undefined;
  let duration: string | undefined;
  if (contentType === 'application/dtmf') {
    signal = body.trim();
  } else {
    for (const line of body.split(/\r?\n/)) {
      const m = /^\s*([A-Za-z-]+)\s*=\s*(.*?)\s*$/.exec(line);
      if (m === null) continue;
      const key = m[1]!.toLowerCase();
      if (key === 'signal') signal = m[2];
      else if (key === 'duration') duration = m[2];
    }
  }
  if (signal === undefined || signal === '') throw new PBX_ERR_DTMF_INFO_INVALID('no Signal');
  const digit = EVENT_CODES[signal] ?? signal.toUpperCase();
  if (!/^[0-9*#A-D]$/.test(digit)) throw new PBX_ERR_DTMF_INFO_INVALID(`Signal "${signal.slice(0, 10)}" is not a DTMF digit`);
  let durationMs = DEFAULT_MS;
  if (duration !== undefined) {
    if (!/^\d{1,6}$/.test(duration)) throw new PBX_ERR_DTMF_INFO_INVALID(`Duration "${duration.slice(0, 10)}" is not a number of ms`);
    durationMs = Math.min(MAX_MS, Math.max(MIN_MS, Number(duration)));
  }
  return { digit, durationMs };
}
