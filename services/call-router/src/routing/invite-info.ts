/**
 * What the routing chain reads of an incoming INVITE, parsed once. A plain
 * object so that each chain step can be unit-tested without a SIP stack.
 */
export interface InviteInfo {
  /** Request-URI host, lower-cased (RFC 3261 §19.1.4): the domain (docs/contract.md §2.1). */
  readonly domain: string;
  /** From-URI user (`''` when the From URI has none, e.g. `sip:host`). */
  readonly from: string;
  /** To-URI user: the dialled number (docs/contract.md §1.2 step 5). */
  readonly to: string;
  readonly callId: string;
  readonly sourceIp: string;
  readonly sourcePort: number;
  /** `x-regid` (or the older `reg-id`) Request-URI parameter: a call to a registered trunk's Contact. */
  readonly regId?: string;
  /** The `Authorization` header, when sent. */
  readonly authorization?: string;
  /** Every header of the INVITE except credentials, for the CallHook body (docs/contract.md §3.2 `headers`). */
  readonly headers: Readonly<Record<string, string>>;
}
