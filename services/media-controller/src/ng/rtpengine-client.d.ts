// rtpengine-client ships no types; this declares the small part we use.
declare module 'rtpengine-client' {
  import type { EventEmitter } from 'node:events';

  interface ClientOptions {
    localPort?: number;
    localAddress?: string;
    /** Per-command reply timeout in ms; 0 waits forever. */
    timeout?: number;
    rejectOnError?: boolean;
  }

  type Command = (port: number, host: string, params?: Record<string, unknown>) => Promise<Record<string, unknown>>;

  export class Client extends EventEmitter {
    constructor(options?: ClientOptions);
    /** `<cookie> <bencoded data>`, the ng wire format. */
    static encodeMessage(cookie: string, data: Record<string, unknown>): Buffer;
    /** Splits a reply into its cookie (which must be a 36-character UUID) and decoded data; throws on anything else. */
    static decodeMessage(msg: Buffer): { id: string; data: Record<string, unknown> };
    close(): void;
    ping: Command;
    offer: Command;
    answer: Command;
    delete: Command;
    query: Command;
    list: Command;
    statistics: Command;
    playMedia: Command;
    stopMedia: Command;
    playDTMF: Command;
    subscribeRequest: Command;
    subscribeAnswer: Command;
    unsubscribe: Command;
  }
}
