import type { TrunkDest } from '@dragonpbx/shared/contracts';
import type { Dialog, SrfRequest } from '@dragonpbx/shared/srf';
import type { Logger } from 'pino';
import { PBX_ERR_CALL_TRANSITION } from '../../call-router-errors.js';
import { type Replaces, readReplaces } from './replaces.js';

/** What a REFER asks for (RFC 3515 §2.1), read by {@link readRefer}. */
export interface ReferTarget {
  /** Refer-To user: the number the transfer's CallHook gets as `to`. */
  readonly referTo: string;
  /** Referred-By user (RFC 3892), when the header names one. */
  readonly referredBy?: string;
  /** The dialog an attended transfer replaces (RFC 3891), from the Refer-To URI's `Replaces`. */
  readonly replaces?: Replaces;
}

/** Why a REFER is refused, with the SIP status it gets. */
export interface ReferRefusal {
  readonly status: number;
  readonly reason: string;
  /** `X-Reason` text and the log line's message. */
  readonly why: string;
  /** Stable code of the log line. */
  readonly code: 'PBX_ERR_REFER_INVALID' | 'PBX_ERR_REFER_UNSUPPORTED';
}

const bad = (why: string): ReferRefusal => ({ status: 400, reason: 'Bad Request', why, code: 'PBX_ERR_REFER_INVALID' });

/**
 * Reads a REFER's `Refer-To` (exactly one, RFC 3515 §2.4.1) and `Referred-By`.
 * Refused: no or several Refer-To, or an unreadable one → 400; a scheme other
 * than sip/sips → 416 (RFC 3261 §21.4.14); no user part → 400; an embedded
 * `Replaces` (attended transfer, RFC 3891) is read into `replaces`, 400 when unreadable.
 */
export function readRefer(req: Pick<SrfRequest, 'get'>): ReferTarget | ReferRefusal {
  const raw = (req.get('Refer-To') ?? req.get('r') ?? '').trim();
  if (raw === '') return bad('REFER without Refer-To');
  const uri = addrSpec(raw);
  if (uri === undefined) return bad('several or unreadable Refer-To');
  const m = /^(sips?):([^@;?]*)@([^;?>]+)(.*)$/i.exec(uri);
  if (m === null) {
    if (!/^sips?:/i.test(uri)) return { status: 416, reason: 'Unsupported URI Scheme', why: 'Refer-To is not a sip or sips URI', code: 'PBX_ERR_REFER_INVALID' };
    return bad('Refer-To has no user part');
  }
  const replaces = readReplaces(m[4]!);
  if (typeof replaces === 'string') return bad(replaces);
  const referTo = unescapeUser(m[2]!);
  if (referTo === undefined || referTo === '') return bad('Refer-To has no user part');
  const byUri = addrSpec((req.get('Referred-By') ?? req.get('b') ?? '').trim());
  const by = byUri === undefined ? undefined : /^sips?:([^@;?]+)@/i.exec(byUri)?.[1];
  const referredBy = by === undefined ? undefined : unescapeUser(by);
  return { referTo, ...(referredBy !== undefined && referredBy !== '' && { referredBy }), ...(replaces !== undefined && { replaces }) };
}

export function isReferRefusal(r: ReferTarget | ReferRefusal): r is ReferRefusal {
  return 'status' in r;
}

/** The URI of a name-addr (`"x" <uri>;params`) or addr-spec (`uri;params`); `undefined` for several or none. */
function addrSpec(value: string): string | undefined {
  if (value === '') return undefined;
  const lt = value.indexOf('<');
  if (lt >= 0) {
    const gt = value.indexOf('>', lt);
    if (gt < 0 || value.slice(gt + 1).includes('<')) return undefined;
    return value.slice(lt + 1, gt).trim();
  }
  // addr-spec form: header parameters follow ';', and a URI there cannot carry a ',' (RFC 3261 §20).
  if (value.includes(',')) return undefined;
  return value.split(';')[0]!.trim();
}

function unescapeUser(user: string): string | undefined {
  try {
    const u = decodeURIComponent(user);
    // RFC 3261 §25.1 user characters only: control characters, quotes or spaces would reach templates and logs.
    return /^[\p{L}\p{N}\-_.!~*'()&=+$,;?/#]{1,64}$/u.test(u) ? u : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where a transferor's dialplan comes from (docs/contract.md §5.2, "the transferor's dialplan"):
 * the call's own party (the caller, or whoever stayed after an earlier transfer), a
 * registered client, a trunk, or a `sip` destination, which has none (the call's own is used).
 */
export type Transferor =
  | { readonly kind: 'party' }
  | { readonly kind: 'client'; readonly username: string }
  | { readonly kind: 'trunk'; readonly dest: TrunkDest }
  | { readonly kind: 'sip' };

/** The party that stays on the call when the other side transfers it. */
export interface RemainingParty {
  readonly dialog: Dialog;
  /** Its RTPEngine tag. */
  readonly tag: string;
  /** Its codecs (the mask when it offers). */
  readonly codecs: readonly string[];
  /** Its number: the From user of the transfer script's legs. */
  readonly from: string;
  /** Who it is, should it transfer in turn: `party` when it is the call's party already. */
  readonly identity: Transferor;
}

/** A REFER accepted on a bridged connect: what the call runs next (docs/contract.md §5.2). */
export interface TransferRequest {
  readonly target: ReferTarget;
  /** The transferor's number when Referred-By names none. */
  readonly transferorUser: string;
  readonly transferor: Transferor;
  readonly remaining: RemainingParty;
  /** The REFER's source address and headers (credentials removed), for the CallHook body. */
  readonly sourceAddress: string;
  readonly sourcePort: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly subscription: ReferSubscription;
}

/** Progress of a transfer as its script's first connect reports it (RFC 3515 §2.4.5). */
export interface ReferProgress {
  /** A provisional response of the new leg (sent once per status). */
  progress(status: number, reason: string): void;
  /** The new leg answered (200) or failed; ends the subscription. Later calls do nothing. */
  finish(status: number, reason: string): void;
}

/**
 * ```
 *  Active ──provisional──► Active ──final (answered / failed / call over)──► Terminated
 *    └──────────── transferor hung up ──────────► Gone
 * ```
 */
export enum ReferState {
  Active = 'active',
  Terminated = 'terminated',
  Gone = 'gone',
}

const REFER_TRANSITIONS: Readonly<Record<ReferState, readonly ReferState[]>> = Object.freeze({
  [ReferState.Active]: [ReferState.Terminated, ReferState.Gone],
  [ReferState.Terminated]: [ReferState.Gone],
  [ReferState.Gone]: [],
});

/** How long the implicit subscription lasts unless ended sooner (RFC 3515 §2.4.4 leaves it to the notifier). */
export const REFER_EXPIRES_SEC = 60;

/** What {@link ReferSubscription} does with the transferor's leg. */
export interface TransferorLeg {
  readonly dialog: Dialog;
  /** BYE to the transferor once the subscription is over. */
  hangup(): Promise<void>;
  /** The transferor sent BYE. */
  gone(): void;
}

/**
 * The implicit subscription a REFER creates (RFC 3515 §2.4.4): NOTIFYs with a
 * `message/sipfrag` body (RFC 3420) of the new leg's status, `100 Trying` at
 * once, a provisional once per status, then one final with
 * `Subscription-State: terminated`, after which the transferor gets BYE (it has
 * handed the call over). NOTIFYs go out one at a time, in order; one that fails
 * is logged (`PBX_ERR_REFER_NOTIFY`) and never affects the call.
 */
export class ReferSubscription implements ReferProgress {
  #state = ReferState.Active;
  #queue: Promise<void> = Promise.resolve();
  readonly #sent = new Set<number>();

  constructor(
    private readonly leg: TransferorLeg,
    private readonly logger: Pick<Logger, 'warn' | 'debug'>,
    private readonly callId: string,
  ) {
    const onGone = () => {
      if (this.#state !== ReferState.Gone) this.#to(ReferState.Gone);
      leg.gone();
    };
    if (leg.dialog.connected === false) onGone();
    else leg.dialog.once('destroy', onGone);
    // A second REFER on a leg that has handed its call over: RFC 3515 §2.4.5 allows refusing it.
    leg.dialog.on('refer', (_req, res) => res.send(403, 'Forbidden', { headers: { 'X-Reason': 'call already transferred' } }));
  }

  get state(): ReferState {
    return this.#state;
  }

  /** Everything sent so far has gone out (for tests and the end of the call). */
  settled(): Promise<void> {
    return this.#queue;
  }

  progress(status: number, reason: string): void {
    if (this.#state !== ReferState.Active || this.#sent.has(status)) return;
    this.#sent.add(status);
    this.#notify(status, reason, false);
  }

  finish(status: number, reason: string): void {
    if (this.#state !== ReferState.Active) return;
    this.#to(ReferState.Terminated);
    this.#notify(status, reason, true);
    this.#queue = this.#queue.then(async () => {
      if (this.#state === ReferState.Terminated) await this.leg.hangup();
    });
  }

  #notify(status: number, reason: string, final: boolean): void {
    const body = `SIP/2.0 ${status} ${reason}\r\n`;
    const headers = {
      Event: 'refer',
      'Subscription-State': final ? 'terminated;reason=noresource' : `active;expires=${REFER_EXPIRES_SEC}`,
      'Content-Type': 'message/sipfrag;version=2.0',
    };
    this.#queue = this.#queue.then(async () => {
      if (this.#state === ReferState.Gone) return;
      try {
        await this.leg.dialog.request({ method: 'NOTIFY', headers, body });
        this.logger.debug({ callId: this.callId, status }, 'transfer NOTIFY sent');
      } catch (err) {
        this.logger.warn({ err, code: 'PBX_ERR_REFER_NOTIFY', callId: this.callId, status }, 'transfer NOTIFY failed');
      }
    });
  }

  #to(next: ReferState): void {
    if (!REFER_TRANSITIONS[this.#state].includes(next)) throw new PBX_ERR_CALL_TRANSITION(`refer ${this.#state}`, next);
    this.#state = next;
  }
}
