/** The error half of an RPC reply: a stable `PBX_ERR_…` code and a message. */
export interface RpcErrorBody {
  code: string;
  message: string;
}

/**
 * Envelope every {@link serve} reply uses, so a caller can tell a service's
 * refusal (`ok:false`) from a transport failure (timeout, no responders).
 */
export type RpcReply<T> = { ok: true; result: T } | { ok: false; error: RpcErrorBody };
