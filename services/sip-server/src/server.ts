/**
 * `SipServer`: a drachtio-protocol SIP server. Wires the admin listener
 * (drachtio application protocol), the SIP stack and the dialog layer.
 */
import { type ServerOptions, type ServerOptionsInput, resolveServerOptions } from './server-options.js';

/** Counters exposed for metrics and leak checks. */
export interface SipServerStats {
  /** Authenticated application connections. */
  applications: number;
  /** Admin connections (authenticated or not). */
  adminConnections: number;
  /** Dialogs held (early + confirmed). */
  dialogs: number;
  /** Pending app-visible transactions (server + client). */
  transactions: number;
}

export class SipServer {
  readonly options: ServerOptions;
  #started = false;

  constructor(options: ServerOptionsInput | ServerOptions = {}) {
    this.options = resolveServerOptions(options as ServerOptionsInput);
  }

  async start(): Promise<void> {
    this.#started = true;
  }

  async stop(): Promise<void> {
    this.#started = false;
  }

  get started(): boolean {
    return this.#started;
  }

  stats(): SipServerStats {
    return { applications: 0, adminConnections: 0, dialogs: 0, transactions: 0 };
  }
}
