/**
 * The ng commands the controller sends, as rtpengine-client method names;
 * {@link NG_WIRE_NAMES} gives each one's name on the wire.
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

/** The `command` field RTPEngine expects for each {@link NgCommand}. */
export const NG_WIRE_NAMES: Readonly<Record<NgCommand, string>> = {
  ping: 'ping',
  offer: 'offer',
  answer: 'answer',
  delete: 'delete',
  query: 'query',
  list: 'list',
  statistics: 'statistics',
  playMedia: 'play media',
  stopMedia: 'stop media',
  playDTMF: 'play DTMF',
  subscribeRequest: 'subscribe request',
  subscribeAnswer: 'subscribe answer',
  unsubscribe: 'unsubscribe',
};

/** A decoded ng reply: `result` is `ok`, `pong`, `error` or `load limit`. */
export interface NgReply {
  readonly result: string;
  readonly 'error-reason'?: string;
  readonly [field: string]: unknown;
}
