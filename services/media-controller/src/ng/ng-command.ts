/**
 * The ng commands the controller sends, as rtpengine-client method names
 * (the client turns them into the wire names: `playMedia` → `play media`).
 */
export const NG_COMMANDS = [
  'ping',
  'offer',
  'answer',
  'delete',
  'query',
  'list',
  'statistics',
  'playMedia',
  'stopMedia',
  'playDTMF',
  'subscribeRequest',
  'subscribeAnswer',
  'unsubscribe',
] as const;

export type NgCommand = (typeof NG_COMMANDS)[number];

/** A decoded ng reply: `result` is `ok`, `pong`, `error` or `load limit`. */
export interface NgReply {
  readonly result: string;
  readonly 'error-reason'?: string;
  readonly [field: string]: unknown;
}
