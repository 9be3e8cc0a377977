import type { ConfigSource } from '@dragonpbx/shared/config';
import type { ConnectDest, StatusEventName } from '@dragonpbx/shared/contracts';
import type { MediaClient } from '@dragonpbx/shared/messaging';
import type { Dialog, SrfApp } from '@dragonpbx/shared/srf';
import type { ContactStore } from '@dragonpbx/shared/state';
import type { Logger } from 'pino';
import type { BridgeHandOver } from '../engine/attended-transfer.js';
import type { HttpMediaCache } from './announce/http-media-cache.js';
import type { ReferProgress, TransferRequest } from './connect/refer.js';
import type { SiprecRecorder } from './record/siprec-recorder.js';
import type { PickupServices } from './pickup/pickup-verb.js';

/** What a verb did to the script: go on with the next verb, or end the script. */
export type VerbOutcome = 'next' | 'end';

/** The caller's leg as the verbs see it. */
export interface CallerLeg {
  /** The caller's SDP offer (`''` when the INVITE had none). */
  readonly sdp: string;
  /** The caller's From tag: its side of the media session. */
  readonly fromTag: string;
  /** Caller number (From user) and the caller's codec list (docs/contract.md §1.4 step 1). */
  readonly from: string;
  readonly codecs: readonly string[];
  readonly domain: string;
}

/** Services the media and B2BUA verbs use. */
export interface VerbServices {
  readonly srf: SrfApp;
  readonly media: MediaClient;
  readonly contacts: Pick<ContactStore, 'list'>;
  /** `MEDIA_PATH`: `file:` announcements play files under it only. */
  readonly mediaPath: string;
  /** Downloads and converts `http(s)://` announcements once. */
  readonly mediaCache: HttpMediaCache;
  /** The caller's domain's trunks, for `trunk` destinations (docs/contract.md §4.2). */
  readonly trunks: Pick<ConfigSource, 'getTrunkById' | 'getTrunkByName'>;
  /** `DEFAULT_CODECS`: a trunk's codecs when it names none. */
  readonly defaultCodecs: readonly string[];
  /** `DEFAULT_RINGTONE`: `connect`'s ringback when the verb names no `ringtone`. */
  readonly defaultRingtone: string;
  /** Live-call lookup and this replica's calls, for `pickup` (docs/contract.md §4.6). */
  readonly pickup?: PickupServices;
}

/** A bridged B leg as the session sees it. */

/** Media facts of one call shared by its verbs. */
export interface CallMediaState {
  /** RTPEngine's SDP for the caller once early media is set up. */
  earlySdp?: string;
  /** A 183 with that SDP has gone to the caller. */
  earlyMediaSent?: boolean;
  /** A `record` verb armed SIPREC recording of the next answered connect (docs/contract.md §4.5). */
  recorder?: SiprecRecorder;
}

/** What a running verb may do to its call; one per verb execution. */
export interface VerbContext {
  readonly callId: string;
  /** Aborted when the caller CANCELs, hangs up, the router stops, or a REST update-leg replaces the script: the verb must return promptly. */
  readonly signal: AbortSignal;
  /** True once the A leg has been answered (200 OK sent). */
  readonly answered: boolean;
  /**
   * Sends a final response to the caller's INVITE. Returns false when it
   * could not be sent (already answered, responded to or cancelled).
   */
  respond(status: number, reason: string | undefined, headers: Record<string, string>): boolean;
  /** Sends a provisional response with an SDP body (183 Session Progress, RFC 3262-free early media); `''` sends it bare. */
  progress(status: number, sdp: string): void;
  /** Answers the caller with `sdp` (200 OK) and resolves the A-leg dialog. */
  answer(sdp: string): Promise<Dialog>;
  /** A `connect` has sent its B-leg INVITEs: the call's post-dial delay ends (counted once per call). */
  legsSent(): void;
  /** Sends a StatusHook event labelled with this verb's `statusLabel` (or nothing if it is `false`). */
  emit(event: StatusEventName, extra?: Record<string, unknown>): void;
  /** Runs `cleanup` when the call ends, however it ends (media sessions, dialogs). */
  defer(cleanup: () => Promise<unknown>): void;
  readonly caller: CallerLeg;
  /**
   * A `connect` bridged a B leg: `drop` must BYE it and let the script go on
   * (a REST hang-up of leg B); `join` hands one side over to an attended transfer
   * (`engine/attended-transfer.ts`); `release` ends the bridge and the script, leaving
   * `kept` (the B leg) up for the session (a pickup's outbound takeover).
   * Returns the function to call once B is gone.
   */
  bridged?(leg: BridgedLeg): () => void;
  /** A `connect` is ringing `dests` (its summary shows them, for `pickup`). Returns the function to call once the fork is over. */
  ringing?(dests: readonly ConnectDest[]): () => void;
  /** The answered party's dialog: the caller, or whoever stayed after a transfer; `undefined` until answered. */
  readonly dialog?: Dialog;
  /** A REST update-leg's script (docs/contract.md §5.1): its connects ring in reconnect mode. */
  reconnectMode?: boolean;
  /** Set while a transfer's script runs (docs/contract.md §5.2): its first connect reports to the transferor. */
  readonly referral?: ReferProgress;
  /**
   * A bridged connect accepted a REFER: the call is handed over (the transferee becomes the
   * call's party at once) and, once this script has ended, the transfer's script runs.
   */
  transfer(request: TransferRequest): void;
  readonly media: CallMediaState;
  /** Absent when the router was built without SIP/media services (unit tests of script-only verbs). */
  readonly services?: VerbServices;
  readonly logger: Logger;
}

/** A bridged `connect` as the session sees it (REST hang-up of leg B, attended transfer). */
export interface BridgedLeg {
  readonly dest: ConnectDest;
  drop(): void;
  readonly join?: BridgeHandOver;
  release?(): void;
  readonly kept?: { readonly dialog: Dialog; readonly tag: string; readonly codecs: readonly string[] };
}
