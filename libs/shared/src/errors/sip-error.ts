/**
 * A failure whose answer is a SIP final response. Handlers throw it and the
 * request's catch-all turns it straight into `res.send(status, reason, {headers})`.
 */
export class SipError extends Error {
  readonly status: number;
  readonly reason: string;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, reason: string, headers: Record<string, string> = {}) {
    super(`${status} ${reason}`);
    if (!Number.isInteger(status) || status < 300 || status > 699) {
      throw new RangeError(`SipError status must be a final non-2xx code, got ${status}`);
    }
    this.name = 'SipError';
    this.status = status;
    this.reason = reason;
    this.headers = Object.freeze({ ...headers });
  }
}
