import { EventEmitter } from 'node:events';
import { PBX_ERR_MEDIA_NO_ENGINE } from '@dragonpbx/shared/contracts';
import type { EngineAddress } from '../ng/engine-address.js';
import type { NgClient } from '../ng/ng-client.js';
import { EngineState } from './engine-state.js';
import type { Placement } from './placement.js';
import { RtpEngine } from './rtp-engine.js';

/** Options of {@link EnginePool}. */
export interface EnginePoolOptions {
  readonly engines: readonly EngineAddress[];
  /** Time between two health checks of every engine (ms). */
  readonly healthIntervalMs: number;
  readonly placement: Placement;
}

/** Collaborators of {@link EnginePool}. */
export interface EnginePoolDeps {
  readonly ng: NgClient;
}

/** Typed events of {@link EnginePool}. */
export interface EnginePoolEvents {
  /** An engine changed state; `error` says why it went down. */
  state: [engine: RtpEngine, previous: EngineState, error: string | undefined];
}

/**
 * The set of RTPEngines, health-checked with `ping` (+ `statistics` for load)
 * every `healthIntervalMs`. New calls go to an `up` engine; an engine that
 * misses a ping or a command is `down` until it answers a ping again.
 */
export class EnginePool extends EventEmitter<EnginePoolEvents> {
  readonly engines: readonly RtpEngine[];
  readonly #byId: ReadonlyMap<string, RtpEngine>;
  readonly #options: EnginePoolOptions;
  readonly #ng: NgClient;
  #timer: NodeJS.Timeout | undefined;
  #turn = 0;
  #checking: Promise<void> | undefined;

  constructor(options: EnginePoolOptions, deps: EnginePoolDeps) {
    super();
    this.#options = options;
    this.#ng = deps.ng;
    this.engines = Object.freeze(options.engines.map((a) => new RtpEngine(a)));
    this.#byId = new Map(this.engines.map((e) => [e.id, e]));
  }

  /** Checks every engine once, then keeps checking in the background. */
  async start(): Promise<void> {
    await this.checkAll();
    this.#timer = setInterval(() => void this.checkAll(), this.#options.healthIntervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Pings every engine in parallel; concurrent callers share one round. */
  checkAll(): Promise<void> {
    this.#checking ??= Promise.all(this.engines.map((e) => this.#check(e))).then(
      () => {
        this.#checking = undefined;
      },
      () => {
        this.#checking = undefined;
      },
    );
    return this.#checking;
  }

  get(id: string): RtpEngine | undefined {
    return this.#byId.get(id);
  }

  /** At least one engine is up. */
  get healthy(): boolean {
    return this.engines.some((e) => e.up);
  }

  /**
   * Chooses the engine for a new call.
   * @param exclude engine ids already tried for this call
   * @throws PBX_ERR_MEDIA_NO_ENGINE when no engine is up
   */
  pick(exclude: ReadonlySet<string> = new Set()): RtpEngine {
    const up = this.engines.filter((e) => e.up && !exclude.has(e.id));
    if (up.length === 0) {
      const states = this.engines.map((e) => `${e.id} ${e.state}`).join(', ');
      throw new PBX_ERR_MEDIA_NO_ENGINE(states);
    }
    const turn = this.#turn++;
    let chosen: RtpEngine;
    if (this.#options.placement === 'round-robin') {
      chosen = up[turn % up.length] as RtpEngine;
    } else {
      const least = Math.min(...up.map((e) => e.sessions));
      const tied = up.filter((e) => e.sessions === least);
      chosen = tied[turn % tied.length] as RtpEngine;
    }
    // Count the call now so a burst between two checks spreads over the pool.
    chosen.sessions += 1;
    return chosen;
  }

  /** Marks an engine down at once (a command timed out), until a ping succeeds. */
  markDown(engine: RtpEngine, why: string): void {
    this.#setState(engine, EngineState.Down, why);
  }

  async #check(engine: RtpEngine): Promise<void> {
    try {
      await this.#ng.send(engine, 'ping');
      const stats = await this.#ng.send(engine, 'statistics');
      engine.sessions = readSessions(stats) ?? engine.sessions;
      this.#setState(engine, EngineState.Up, undefined);
    } catch (err) {
      this.#setState(engine, EngineState.Down, (err as Error).message);
    }
  }

  #setState(engine: RtpEngine, next: EngineState, error: string | undefined): void {
    const previous = engine.state;
    engine.lastError = error;
    if (previous === next) return;
    engine.state = next;
    try {
      this.emit('state', engine, previous, error);
    } catch {
      // a failing listener must not stop health checking
    }
  }
}

/** `statistics.currentstatistics.sessionsown`, if present. */
function readSessions(reply: Record<string, unknown>): number | undefined {
  const stats = reply.statistics as { currentstatistics?: { sessionsown?: unknown } } | undefined;
  const n = stats?.currentstatistics?.sessionsown;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}
