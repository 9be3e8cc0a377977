import { randomUUID } from 'node:crypto';
import { DialogStore } from '../dialog/dialog-store.js';
import type { PolicyFn } from '../server-options.js';
import { parseNameAddr } from '../sip/name-addr.js';
import type { SipMessage } from '../sip/sip-message.js';
import type { SipRequest } from '../sip/sip-request.js';
import type { SipResponse } from '../sip/sip-response.js';
import { parseUri } from '../sip/sip-uri.js';
import { isWildcard } from '../transport/address-utils.js';
import type { BoundContact, Destination, MessageSource } from '../transport/transport-types.js';
import type { IncomingTxn } from '../uas/incoming-txn.js';
import type { OutgoingTxn } from '../uac/outgoing-txn.js';
import { NokError } from '../uac/uac-errors.js';
import type { AdminConnection } from './admin-connection.js';
import { CdrEmitter } from './cdr-emitter.js';
import type { SipMeta } from './meta.js';
import type { RouteTable } from './route-table.js';
import type { StackPort } from './stack-port.js';

/** Settings the drachtio layer needs. */
export interface BridgeSettings {
  t1: number;
  t2: number;
  policy: PolicyFn | undefined;
  /** A new request the app never answers is forgotten after this long (docs/drachtio-protocol.md §4.2). @defaultValue 64000 */
  pendingTimeoutMs: number;
  /** Send CDR frames to apps that route `cdr:*` (docs/drachtio-protocol.md §3.10). @defaultValue false */
  cdrs: boolean;
}

/** A resolved next hop plus the listening point to send from. */
export interface NextHop {
  destination: Destination;
  local: BoundContact;
}

/**
 * State shared by the UAS, UAC, dialog and proxy parts of the drachtio layer,
 * and helpers to describe messages to applications. Only maps more than one
 * layer reads live here; a map one layer alone uses is that layer's own
 * (UasLayer: by-stack-transaction and early-INVITE indexes; UacLayer: the
 * app's pending requests; ProxyLayer: its operations and proxied calls).
 */
export class BridgeContext {
  /**
   * Dialogs (early and confirmed). Created by the dialog layer (UAS side) and
   * the UAC layer (UAC side); looked up by the UAS layer to route in-dialog
   * requests; removed by the dialog, UAC layers and the server's stop.
   */
  readonly dialogs = new DialogStore();
  /**
   * txnId → request waiting for the app's response. Owned by the UAS layer
   * (track/forget); the dialog layer adds in-dialog requests through its
   * delegate; the proxy layer reads it to find the request a `proxy` frame names.
   */
  readonly incoming = new Map<string, IncomingTxn>();
  /**
   * Call-ID + our From-tag → app INVITE still without a final (UPDATE from the
   * callee, docs/drachtio-protocol.md §5.3 step 9). Written by the UAC layer, read by the UAS layer.
   */
  readonly outgoingInvites = new Map<string, OutgoingTxn>();
  readonly cdr: CdrEmitter;

  constructor(
    readonly stack: StackPort,
    readonly routes: RouteTable<AdminConnection>,
    readonly settings: BridgeSettings,
  ) {
    this.cdr = new CdrEmitter(routes, settings.cdrs);
  }

  newTxnId(): string {
    return randomUUID();
  }

  /** Bytes of a received message as they arrived (byte-exact relay, docs/drachtio-protocol.md, conformance 54). */
  rawOf(msg: SipMessage): Buffer {
    return msg.raw ?? msg.toBuffer();
  }

  networkMeta(bytes: number, source: MessageSource): SipMeta {
    return { source: 'network', bytes, protocol: source.protocol, address: source.address, port: source.port };
  }

  appMeta(bytes: number, local: BoundContact): SipMeta {
    return { source: 'application', bytes, protocol: local.protocol, address: local.advertisedHost, port: local.port };
  }

  /** Whether address:port is one of our own listening points (docs/drachtio-protocol.md §4.3 "send request to myself"). */
  isLocal(address: string, port: number): boolean {
    for (const c of this.stack.localContacts()) {
      if (c.port !== port) continue;
      if (c.host === address || c.advertisedHost === address || c.external === address) return true;
      if (isWildcard(c.host) && (address === '127.0.0.1' || address === '::1')) return true;
    }
    return false;
  }

  /**
   * Resolves where to send a request for `target` (a SIP URI, or the first
   * Route), choosing a local listening point (docs/drachtio-protocol.md §4.9).
   * @throws NokError `requested protocol/transport not available` when no transport fits.
   */
  async nextHop(target: string): Promise<NextHop> {
    let destination: Destination;
    try {
      destination = await this.stack.resolve(target);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'PBX_ERR_SIP_NO_TRANSPORT') throw new NokError('requested protocol/transport not available');
      if (code === 'PBX_ERR_SIP_BAD_VALUE') throw new NokError(`invalid request-uri: ${target}`);
      throw new NokError(`failed to resolve ${target}: ${(err as Error).message}`);
    }
    const local = destination.local;
    if (!local) throw new NokError('requested protocol/transport not available');
    return { destination, local };
  }

  /**
   * Next hop over a TCP connection a REGISTER/SUBSCRIBE came in on, when
   * `uri`'s user@host was aliased to it (docs/drachtio-protocol.md §4.4, §4.9, conformance 53).
   */
  aliasedHop(uri: string): NextHop | undefined {
    const key = aliasKey(uri);
    const conn = key === undefined ? undefined : this.stack.findAlias(key);
    if (!conn) return undefined;
    const local = this.stack.pickLocal('tcp', conn.remoteAddress.includes(':') ? 6 : 4);
    if (!local) return undefined;
    return {
      destination: { protocol: 'tcp', address: conn.remoteAddress, port: conn.remotePort, connection: conn, local },
      local,
    };
  }

  /** Sends outside a transaction; a failure only loses that message (UDP semantics). */
  sendStateless(msg: SipRequest | SipResponse, destination?: Destination): void {
    this.stack.sendStateless(msg, destination).catch(() => {});
  }

  /** URI of a Route/Contact header value. */
  uriOf(headerValue: string): string {
    return parseNameAddr(headerValue).uri;
  }

  /** True when a Route URI is a loose router (`;lr`, RFC 3261 §16.12). */
  isLooseRoute(routeValue: string): boolean {
    try {
      return 'lr' in parseUri(this.uriOf(routeValue)).params;
    } catch {
      return true;
    }
  }
}

/** `user@host[:port]` of a SIP URI or Contact value: the key REGISTER connections are aliased under. */
export function aliasKey(uriOrContact: string): string | undefined {
  const m = /sips?:(?:([^@;>]+)@)?([^;>?\s]+)/i.exec(uriOrContact);
  if (!m) return undefined;
  return `${m[1] ? `${m[1]}@` : ''}${(m[2] as string).toLowerCase()}`;
}
