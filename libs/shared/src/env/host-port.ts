/** A network endpoint, e.g. one RTPEngine ng control socket. */
export interface HostPort {
  /** Host name or IP address; IPv6 without brackets. */
  readonly host: string;
  readonly port: number;
}
