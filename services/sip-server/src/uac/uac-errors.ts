/**
 * A request from an application cannot be sent; `message` is the exact NOK
 * reason drachtio-server uses (docs/drachtio-protocol.md §4.11), surfaced by drachtio-srf as
 * `Error.message`.
 */
export class NokError extends Error {
  readonly code = 'PBX_ERR_DRACHTIO_NOK';
  constructor(reason: string) {
    super(reason);
    this.name = 'NokError';
  }
}
