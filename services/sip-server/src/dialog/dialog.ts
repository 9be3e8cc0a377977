import type { AdminConnection } from '../drachtio/admin-connection.js';
import type { SipRequest } from '../sip/sip-request.js';
import type { BoundContact, Destination, MessageSource } from '../transport/transport-types.js';
import { dialogId, localKey } from './dialog-id.js';
import { DialogState } from './dialog-state.js';

/** Which side of the dialog-forming transaction we were. */
export type DialogRole = 'uas' | 'uac';

export interface DialogInit {
  role: DialogRole;
  callId: string;
  localTag: string;
  remoteTag: string;
  /** Our From/To header value in this dialog, including `;tag=`. */
  localHeader: string;
  /** The peer's From/To header value, including `;tag=`. */
  remoteHeader: string;
  localContact: string;
  remoteTarget: string;
  /** Route header values in the order they go on requests (RFC 3261 §12.1.1/§12.1.2). */
  routeSet: string[];
  localCseq: number;
  remoteCseq: number;
  owner: AdminConnection;
  /** Listening point the dialog uses. */
  local: BoundContact;
  /** Where the dialog-forming request came from (UAS), for TCP reuse. */
  source?: MessageSource;
  state?: DialogState;
}

/**
 * One dialog held by the server on behalf of the owning application
 * connection (docs/drachtio-protocol.md §4.7). The dialog layer mutates the fields; timers
 * hanging off it are cleared by {@link Dialog.clearTimers}.
 */
export class Dialog {
  readonly id: string;
  readonly key: string;
  readonly role: DialogRole;
  readonly callId: string;
  readonly localTag: string;
  remoteTag: string;
  localHeader: string;
  remoteHeader: string;
  localContact: string;
  remoteTarget: string;
  routeSet: string[];
  localCseq: number;
  remoteCseq: number;
  owner: AdminConnection;
  readonly local: BoundContact;
  source: MessageSource | undefined;
  state: DialogState;
  /** CSeq of the INVITE whose 2xx we sent / received and whose ACK is pending or cached. */
  inviteCseq = 0;
  /** Dialog usage (RFC 5057): an INVITE session or a SUBSCRIBE subscription. */
  usage: 'invite' | 'subscribe' = 'invite';
  /** A 2xx to our (re-)INVITE arrived and the app has not ACKed it yet. */
  ackPending = false;
  /** UAC: set when the app CANCELled the INVITE that this 2xx answers (ACK-BYE race, docs/drachtio-protocol.md §4.5). */
  cancelRace = false;
  /** UAC: last ACK sent, re-sent on 2xx retransmissions (Timer D window, docs/drachtio-protocol.md §4.1). */
  lastAck: SipRequest | undefined;
  /** Where {@link Dialog.lastAck} went. */
  lastAckHop: { destination: Destination; local: BoundContact } | undefined;
  /** Cancels our own re-INVITE still in progress (set by the UAC layer while one is pending). */
  cancelPendingInvite: (() => void) | undefined;
  /** Negotiated session interval in seconds (RFC 4028); 0 = no session timer. */
  sessionInterval = 0;
  /** We are the session refresher. */
  weRefresh = false;
  /** Last SDP we sent (for refreshing re-INVITEs). */
  localSdp: Buffer | undefined;
  /** Named timers (2xx retransmit, ACK wait, session timer …). */
  readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(init: DialogInit) {
    this.role = init.role;
    this.callId = init.callId;
    this.localTag = init.localTag;
    this.remoteTag = init.remoteTag;
    this.id = dialogId(init.callId, init.role === 'uas' ? init.remoteTag : init.localTag);
    this.key = localKey(init.callId, init.localTag);
    this.localHeader = init.localHeader;
    this.remoteHeader = init.remoteHeader;
    this.localContact = init.localContact;
    this.remoteTarget = init.remoteTarget;
    this.routeSet = init.routeSet;
    this.localCseq = init.localCseq;
    this.remoteCseq = init.remoteCseq;
    this.owner = init.owner;
    this.local = init.local;
    this.source = init.source;
    this.state = init.state ?? DialogState.Confirmed;
  }

  setTimer(name: string, ms: number, fn: () => void): void {
    this.clearTimer(name);
    const t = setTimeout(() => {
      this.timers.delete(name);
      fn();
    }, ms);
    this.timers.set(name, t);
  }

  clearTimer(name: string): void {
    const t = this.timers.get(name);
    if (t) {
      clearTimeout(t);
      this.timers.delete(name);
    }
  }

  clearTimers(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}

/**
 * A NOTIFY that ends a SUBSCRIBE dialog (RFC 6665 §4.1.3): Subscription-State
 * `terminated`, not the implicit subscription of a REFER (docs/drachtio-protocol.md §4.7).
 */
export function endsSubscription(d: Dialog, notify: SipRequest): boolean {
  if (d.usage !== 'subscribe' || notify.method !== 'NOTIFY') return false;
  if (/^\s*refer\b/i.test(notify.get('event') ?? '')) return false;
  return /^\s*terminated\b/i.test(notify.get('subscription-state') ?? '');
}
