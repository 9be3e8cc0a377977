/** Where an RTPEngine listens for ng commands (UDP). */
export interface EngineAddress {
  readonly host: string;
  readonly port: number;
}

/** The engine id stored in Redis and reported to clients: `host:port`, IPv6 in brackets. */
export function engineId(address: EngineAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
