/**
 * Leaders of the frames the server sends to applications (docs/drachtio-protocol.md §3.4,
 * §3.6, §3.7). Each function returns the leader without the trailing CRLF;
 * the caller appends the SIP bytes via {@link AdminConnection.send}.
 */
import { randomUUID } from 'node:crypto';
import { type SipMeta, formatMeta } from './meta.js';

/** New incoming request: `sip|<meta>|<txnId>||<localAddr>|<localPort>|` (§3.6). */
export function newRequestLeader(meta: SipMeta, txnId: string, localAddr: string, localPort: number): string {
  return `${randomUUID()}|sip|${formatMeta(meta)}|${txnId}||${localAddr}|${localPort}|`;
}

/** Any other SIP delivery: `sip|<meta>|<txnId>|<dialogId>|` (§3.7). */
export function sipLeader(meta: SipMeta, txnId: string, dialogId: string): string {
  return `${randomUUID()}|sip|${formatMeta(meta)}|${txnId}|${dialogId}|`;
}

/** Answer to an app request that was sent: `OK|<meta>|<txnId>|Msg sent:|` (§3.4). */
export function requestSentAnswer(meta: SipMeta, txnId: string): string {
  return `OK|${formatMeta(meta)}|${txnId}|Msg sent:|`;
}

/** Answer to an app response that was sent: `OK|<meta>|<txnId>|<dialogId>||Msg sent:|` (§3.4). */
export function responseSentAnswer(meta: SipMeta, txnId: string, dialogId: string): string {
  return `OK|${formatMeta(meta)}|${txnId}|${dialogId}||Msg sent:|`;
}

/** Failure answer; `|`, CR and LF in the reason are replaced so the leader stays parseable. */
export function nokAnswer(reason: string): string {
  return `NOK|${reason.replace(/[|\r\n]/g, ' ')}`;
}
