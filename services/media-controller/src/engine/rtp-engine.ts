import { type EngineAddress, engineId } from '../ng/engine-address.js';
import { EngineState } from './engine-state.js';

/** One RTPEngine of the pool: its address, health and load. */
export class RtpEngine implements EngineAddress {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  state: EngineState = EngineState.Unknown;
  /** Sessions the engine owns (`statistics` → `sessionsown`), plus calls placed since the last check. */
  sessions = 0;
  /** Why the engine was last marked down. */
  lastError: string | undefined;

  constructor(address: EngineAddress) {
    this.host = address.host;
    this.port = address.port;
    this.id = engineId(address);
  }

  get up(): boolean {
    return this.state === EngineState.Up;
  }
}
