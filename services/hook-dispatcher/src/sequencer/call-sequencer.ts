import type { Redis } from 'ioredis';
import { PBX_ERR_HOOK_STATE_CORRUPT } from '../errors.js';
import type { SequencerDecision } from './sequencer-decision.js';
import { ADVANCE_SCRIPT, BEGIN_SCRIPT, STAGE_SCRIPT } from './sequencer-scripts.js';

/** Options of {@link CallSequencer}. */
export interface CallSequencerOptions {
  /** Key prefix, e.g. `dragon:hooks`. */
  keyPrefix: string;
  /** How long an out-of-order event waits for its predecessor, ms. */
  reorderWindowMs: number;
  /** Lifetime of a call's ordering state after its last change, s. */
  ttlSec: number;
}

type ScriptRunner = (...keysThenArgs: (string | number)[]) => Promise<unknown>;

/**
 * Keeps events of one call in `seq` order across all replicas: only one event of
 * a call is in flight at a time, and the next one gets its job only when the
 * previous one is delivered or dead-lettered. State lives in Redis, so a killed
 * replica's calls carry on elsewhere.
 */
export class CallSequencer {
  private readonly stageCommand: string;
  private readonly stage_: ScriptRunner;
  private readonly begin_: ScriptRunner;
  private readonly advance_: ScriptRunner;

  constructor(
    private readonly redis: Redis,
    private readonly options: CallSequencerOptions,
  ) {
    const r = redis as unknown as Record<string, ScriptRunner>;
    const tag = options.keyPrefix.replace(/[^A-Za-z0-9]/g, '_');
    // Command names are per prefix so two sequencers on one connection never clash.
    for (const [name, lua] of [
      ['stage', STAGE_SCRIPT],
      ['begin', BEGIN_SCRIPT],
      ['advance', ADVANCE_SCRIPT],
    ] as const) {
      const cmd = `dragonSeq_${name}_${tag}`;
      if (typeof r[cmd] !== 'function') redis.defineCommand(cmd, { numberOfKeys: 4, lua });
    }
    this.stageCommand = `dragonSeq_stage_${tag}`;
    this.stage_ = (...a) => r[this.stageCommand]!.apply(redis, a);
    this.begin_ = (...a) => r[`dragonSeq_begin_${tag}`]!.apply(redis, a);
    this.advance_ = (...a) => r[`dragonSeq_advance_${tag}`]!.apply(redis, a);
  }

  private keys(callId: string): string[] {
    // The hash tag keeps a call's keys in one Redis Cluster slot.
    const base = `${this.options.keyPrefix}:call:{${callId}}`;
    return [`${base}:pending`, `${base}:events`, `${base}:state`, `${base}:done`];
  }

  /** Records a new event (idempotent per id) and says whether a job must be created. */
  async stage(callId: string, id: string, seq: number, envelopeJson: string): Promise<SequencerDecision> {
    const reply = await this.stage_(
      ...this.keys(callId),
      id,
      seq,
      envelopeJson,
      this.options.ttlSec,
      this.options.reorderWindowMs,
    );
    return parseReply(reply);
  }

  /**
   * Stages many events in one pipelined round trip, in order (two events of one call in the same
   * batch are staged one after the other, as with {@link stage}). Each item gets its own result:
   * a decision, or the error staging that event met, so one failure does not fail the others.
   */
  async stageMany(
    events: readonly { callId: string; id: string; seq: number; envelopeJson: string }[],
  ): Promise<(SequencerDecision | Error)[]> {
    if (events.length === 0) return [];
    const pipeline = this.redis.pipeline() as unknown as Record<string, (...a: (string | number)[]) => unknown> & {
      exec(): Promise<[Error | null, unknown][] | null>;
    };
    const { ttlSec, reorderWindowMs } = this.options;
    for (const e of events) {
      pipeline[this.stageCommand]!(...this.keys(e.callId), e.id, e.seq, e.envelopeJson, ttlSec, reorderWindowMs);
    }
    const replies = await pipeline.exec();
    if (!replies) throw new Error('sequencer pipeline discarded');
    return replies.map(([err, reply]) => {
      if (err) return err;
      try {
        return parseReply(reply);
      } catch (e) {
        return e as Error;
      }
    });
  }

  /** A job for (`id`, `gen`) starts: `go` with the envelope if it may deliver now. */
  async begin(callId: string, id: string, gen: number): Promise<SequencerDecision> {
    return parseReply(await this.begin_(...this.keys(callId), id, gen, this.options.reorderWindowMs));
  }

  /**
   * The in-flight event is finished (delivered or dead-lettered): release the next one. With
   * `claim`, a next event that may go at once comes back `claimed` (begun, with its envelope)
   * instead of `add`, so an inline chain needs one script call per event instead of two.
   */
  async advance(callId: string, id: string, gen: number, seq: number, claim = false): Promise<SequencerDecision> {
    return parseReply(
      await this.advance_(
        ...this.keys(callId),
        id,
        gen,
        seq,
        this.options.ttlSec,
        this.options.reorderWindowMs,
        claim ? 1 : 0,
      ),
    );
  }
}

function parseReply(reply: unknown): SequencerDecision {
  if (!Array.isArray(reply) || typeof reply[0] !== 'string') {
    throw new PBX_ERR_HOOK_STATE_CORRUPT(`sequencer reply ${JSON.stringify(reply)}`);
  }
  const [verb, a, b, c] = reply as string[];
  switch (verb) {
    case 'add':
      return { action: 'add', id: a!, gen: Number(b), delayMs: Number(c) };
    case 'kick':
      return { action: 'kick', id: a!, gen: Number(b) };
    case 'claim':
      return { action: 'claimed', id: a!, gen: Number(b), envelopeJson: c! };
    case 'go':
      return { action: 'go', envelopeJson: a! };
    case 'queued':
    case 'idle':
    case 'done':
      return { action: verb };
    case 'stale':
      // A stale job that sees another event in flight re-adds that job, which heals a
      // chain broken by a crash between "advance" and "add next job".
      return a ? { action: 'kick', id: a, gen: Number(b) } : { action: 'stale' };
    default:
      throw new PBX_ERR_HOOK_STATE_CORRUPT(`unknown sequencer verb ${verb}`);
  }
}
