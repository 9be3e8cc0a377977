/**
 * What the registrar reads of an incoming REGISTER. drachtio-srf's request
 * object fits; tests can pass a plain object.
 */
export interface RegisterMessage {
  readonly method: string;
  readonly uri: string;
  readonly source_address: string;
  readonly source_port: number;
  /** `udp`, `tcp`, `tls`, `ws`, `wss`. */
  readonly protocol: string;
  get(name: string): string | undefined;
}
