import { type CallScript, PbxError } from '@dragonpbx/shared/contracts';
import {
  createJsonCodec,
  NatsRemoteError,
  PBX_ERR_NATS_NO_RESPONDERS,
  PBX_ERR_NATS_TIMEOUT,
  request,
  type Subjects,
  serve,
} from '@dragonpbx/shared/messaging';
import type { CallStore, CallSummary } from '@dragonpbx/shared/state';
import { type Static, Type } from '@sinclair/typebox';
import type { NatsConnection, Subscription } from 'nats';
import type { Logger } from 'pino';
import type { CallJoiner, ReplaceRequest, ReplaceResult } from '../engine/attended-transfer.js';
import type { CallSession } from '../engine/call-session.js';
import { type RemotePickup, type RemotePickupReply, RemotePickupSchema, pickupHere } from '../verbs/pickup/remote-pickup.js';
import { PBX_ERR_API_BAD_REQUEST, PBX_ERR_API_CALL_UNKNOWN, PBX_ERR_API_OWNER_UNREACHABLE } from './api-errors.js';
import { type Leg, LegSchema, UpdateLegBodySchema } from './api-schemas.js';
import { CommandReplySchema, ReplaceRequestSchema } from './replace-schema.js';

/** What the owning replica is asked to do, on `dragon.calls.<instanceId>.<op>`. */
const CallCommandSchema = Type.Object(
  {
    callId: Type.String({ minLength: 1, maxLength: 256 }),
    leg: LegSchema,
    update: Type.Optional(UpdateLegBodySchema),
    replace: Type.Optional(ReplaceRequestSchema),
    pickup: Type.Optional(RemotePickupSchema),
  },
  { additionalProperties: false },
);
type CallCommand = Static<typeof CallCommandSchema>;
const commandCodec = createJsonCodec(CallCommandSchema);
const OPS = ['hangup', 'update', 'replace', 'pickup'] as const;
type CommandReply = Static<typeof CommandReplySchema>;
const replyCodec = createJsonCodec(CommandReplySchema);
type Op = (typeof OPS)[number];

/** Refusals of the owner that keep their code and status across NATS. */
const REMOTE_STATUS: Readonly<Record<string, number>> = {
  PBX_ERR_CALL_LEG_STATE: 409,
  PBX_ERR_UPDATE_LEG_HOOK: 480,
  PBX_ERR_API_CALL_UNKNOWN: 404,
  PBX_ERR_REPLACES_NO_DIALOG: 481,
  PBX_ERR_REPLACES_REINVITE: 480,
};

/** This replica's live calls, by Call-ID (the router). */
export interface LocalCalls {
  session(callId: string): CallSession | undefined;
}

/** Options of {@link CallCommands}. */
export interface CallCommandsOptions {
  /** This replica's `INSTANCE_ID`: the owner named in its calls' summaries. */
  readonly instanceId: string;
  readonly subjects: Subjects;
  /** How long the owner may take; an update fetching a CallHook needs the hook timeout and more. */
  readonly timeoutMs: number;
}

/**
 * Hang-up and update-leg for any live call of the cluster: the summary in
 * Redis names the owning replica; this one runs the command itself, another
 * gets it as a NATS request on `dragon.calls.<owner>.<op>` and answers with the
 * outcome (its refusals keep their code). {@link serve} answers this
 * replica's own subject.
 */
export class CallCommands implements CallJoiner {
  readonly #o: CallCommandsOptions;
  readonly #calls: Pick<CallStore, 'get' | 'listByDomain'>;
  readonly #local: LocalCalls;
  readonly #nc: NatsConnection;
  readonly #logger: Logger;

  constructor(options: CallCommandsOptions, deps: { calls: Pick<CallStore, 'get' | 'listByDomain'>; local: LocalCalls; nc: NatsConnection; logger: Logger }) {
    this.#o = options;
    this.#calls = deps.calls;
    this.#local = deps.local;
    this.#nc = deps.nc;
    this.#logger = deps.logger;
  }

  /** The live call `callId` of `domain`. @throws PBX_ERR_API_CALL_UNKNOWN */
  async summary(domain: string, callId: string): Promise<CallSummary> {
    const s = await this.#calls.get(callId);
    if (s === undefined || s.domain !== domain) throw new PBX_ERR_API_CALL_UNKNOWN(callId, domain);
    return s;
  }

  async hangup(domain: string, callId: string, leg: Leg): Promise<void> {
    await this.#command('hangup', domain, { callId, leg });
  }

  async update(domain: string, callId: string, leg: Leg, body: CallScript | { callHook: string; statusHook?: string }): Promise<void> {
    await this.#command('update', domain, { callId, leg, update: body });
  }

  /** Attended transfer: the owner of `callId` hands the party the Replaces leaves over (engine/attended-transfer.ts). */
  async replace(domain: string, callId: string, request: ReplaceRequest): Promise<ReplaceResult> {
    const reply = await this.#command('replace', domain, { callId: await this.#callOfDialog(domain, callId), leg: 'A', replace: request });
    if (reply.joined === undefined) throw new PBX_ERR_API_BAD_REQUEST('the owner answered a replace without its result');
    return reply.joined;
  }

  /**
   * The live call of `domain` with a dialog of SIP Call-ID `dialogCallId`: the call's own
   * Call-ID, else a bridged dialog's (the summary's `extra.dialogs`, one scan of the domain's
   * calls). Unknown: returned as is, for the 404 to come.
   */
  async #callOfDialog(domain: string, dialogCallId: string): Promise<string> {
    const own = await this.#calls.get(dialogCallId);
    if (own !== undefined && own.domain === domain) return dialogCallId;
    const calls = await this.#calls.listByDomain(domain);
    const found = calls.find((s) => Array.isArray(s.extra?.dialogs) && (s.extra.dialogs as unknown[]).includes(dialogCallId));
    return found?.callId ?? dialogCallId;
  }

  /** Asks `owner` to give up a leg of its call `callId` to a picker here (docs/contract.md §4.6). */
  pickup(owner: string, callId: string, pickup: RemotePickup): Promise<RemotePickupReply> {
    return request<RemotePickupReply>(this.#nc, this.#o.subjects.calls(owner, 'pickup'), { callId, leg: 'A', pickup }, { timeoutMs: this.#o.timeoutMs });
  }

  /** Answers the commands other replicas send for this one's calls; stop with `drain()`. */
  serve(): Subscription {
    return serve<CallCommand, CommandReply | RemotePickupReply>(
      this.#nc,
      this.#o.subjects.callsAll(this.#o.instanceId),
      async (cmd, ctx) => {
        const op = OPS.find((o) => ctx.subject === this.#o.subjects.calls(this.#o.instanceId, o));
        if (op === undefined) throw new PBX_ERR_API_CALL_UNKNOWN(cmd.callId, `(unknown operation on ${ctx.subject})`);
        if (op === 'pickup') return this.#pickupHere(cmd);
        return this.#run(op, cmd);
      },
      { codec: commandCodec, logger: this.#logger, spanName: 'call command' },
    );
  }

  async #command(op: Exclude<Op, 'pickup'>, domain: string, cmd: CallCommand): Promise<CommandReply> {
    const owner = (await this.summary(domain, cmd.callId)).instanceId;
    if (owner === this.#o.instanceId) return this.#run(op, cmd);
    try {
      return await request<CommandReply>(this.#nc, this.#o.subjects.calls(owner, op), cmd, { timeoutMs: this.#o.timeoutMs, resultCodec: replyCodec });
    } catch (err) {
      if (err instanceof NatsRemoteError) {
        const status = REMOTE_STATUS[err.remote.code];
        if (status !== undefined) throw new PbxError(err.remote.code, err.remote.message, status);
        throw err;
      }
      if (err instanceof PBX_ERR_NATS_NO_RESPONDERS || err instanceof PBX_ERR_NATS_TIMEOUT) {
        throw new PBX_ERR_API_OWNER_UNREACHABLE(cmd.callId, owner, (err as Error).message);
      }
      throw err;
    }
  }

  #pickupHere(cmd: CallCommand): Promise<RemotePickupReply> {
    const pickup = cmd.pickup;
    if (pickup === undefined) throw new PBX_ERR_API_BAD_REQUEST('a pickup needs its pickup field');
    const session = this.#local.session(cmd.callId);
    if (session === undefined) return Promise.resolve({ outcome: 'refused', why: 'the call is over' });
    const { picker } = pickup;
    // Reply before the picker's request times out (its replica waits timeoutMs).
    const waitMs = Math.max(1000, this.#o.timeoutMs - 1000);
    return pickupHere(session, pickup, () => this.hangup(picker.domain, picker.callId, 'A').catch(() => undefined), waitMs);
  }

  async #run(op: Exclude<Op, 'pickup'>, cmd: CallCommand): Promise<CommandReply> {
    const session = this.#local.session(cmd.callId);
    if (session === undefined) throw new PBX_ERR_API_CALL_UNKNOWN(cmd.callId, `this call-router (${this.#o.instanceId})`);
    if (op === 'hangup') {
      session.hangup(cmd.leg);
      return DONE;
    }
    if (op === 'replace') {
      if (cmd.replace === undefined) throw new PBX_ERR_API_BAD_REQUEST('a replace needs its request');
      return { done: true, joined: await session.replaceParty(cmd.replace) };
    }
    const update = cmd.update;
    if (update === undefined) throw new PBX_ERR_API_BAD_REQUEST('an update needs a verb array or {callHook}');
    await session.updateLeg(cmd.leg, Array.isArray(update) ? { script: update } : update);
    return DONE;
  }
}

const DONE: CommandReply = Object.freeze({ done: true });
