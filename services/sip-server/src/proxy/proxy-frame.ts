import { NokError } from '../uac/uac-errors.js';

/** A decoded `proxy` frame leader (docs/drachtio-protocol.md §3.5). */
export interface ProxyFrame {
  txnId: string;
  remainInDialog: boolean;
  fullResponse: boolean;
  followRedirects: boolean;
  simultaneous: boolean;
  /** ms; undefined = none. */
  provisionalTimeout: number | undefined;
  /** ms; undefined = none. */
  finalTimeout: number | undefined;
  destinations: string[];
}

/** `2s`, `1500ms`, `` → ms. */
export function parseDuration(s: string | undefined): number | undefined {
  if (s === undefined || s === '') return undefined;
  const m = /^(\d+)(ms|s)?$/.exec(s.trim());
  if (!m) return undefined;
  return Number(m[1]) * (m[2] === 'ms' ? 1 : 1000);
}

/**
 * `<id>|proxy|<txnId>|<remainInDialog>|<fullResponse>|<followRedirects>|<simultaneous|serial>|<prov>|<final>|<dest>…`
 * @throws NokError when the txnId or destinations are missing.
 */
export function parseProxyFrame(tokens: readonly string[]): ProxyFrame {
  const txnId = tokens[2] ?? '';
  if (txnId === '') throw new NokError('transaction id missing');
  const destinations = tokens
    .slice(9)
    .filter((d) => d !== '')
    .map((d) => (/^(sips?|tel):/i.test(d) ? d : `sip:${d}`));
  if (destinations.length === 0) throw new NokError('no destinations provided');
  return {
    txnId,
    remainInDialog: tokens[3] === 'remainInDialog',
    fullResponse: tokens[4] === 'fullResponse',
    followRedirects: tokens[5] === 'followRedirects',
    simultaneous: tokens[6] === 'simultaneous',
    provisionalTimeout: parseDuration(tokens[7]),
    finalTimeout: parseDuration(tokens[8]),
    destinations,
  };
}
