import { PBX_ERR_MEDIA_ENGINE_TIMEOUT } from '@dragonpbx/shared/contracts';
import { spansExported } from '@dragonpbx/shared/platform';
import { type Span, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { engineRefusal } from './engine-call-unknown.js';
import { Client } from 'rtpengine-client';
import { type EngineAddress, engineId } from './engine-address.js';
import type { NgCommand, NgReply } from './ng-command.js';

/** Options of {@link NgClient}. */
export interface NgClientOptions {
  /** How long one command may take before it fails with PBX_ERR_MEDIA_ENGINE_TIMEOUT. */
  readonly timeoutMs: number;
}

/** Outcome label of one ng round trip, for the latency histogram. */
export type NgOutcome = 'ok' | 'error' | 'timeout';

/** Collaborators of {@link NgClient}. */
export interface NgClientDeps {
  /** Called after every round trip; errors thrown here are contained. */
  readonly observe?: (command: NgCommand, outcome: NgOutcome, seconds: number) => void;
  /** Late or uncorrelated replies end up here instead of crashing the process. */
  readonly onStrayError?: (err: Error) => void;
}

/**
 * One UDP socket speaking the ng protocol to any number of engines, through
 * rtpengine-client. Adds what the raw client lacks: typed errors with stable
 * codes, a reply timeout that is never "wait forever", and latency reporting.
 */
export class NgClient {
  readonly #client: Client;
  readonly #timeoutMs: number;
  readonly #deps: NgClientDeps;
  #closed = false;

  constructor(options: NgClientOptions, deps: NgClientDeps = {}) {
    this.#timeoutMs = options.timeoutMs;
    this.#deps = deps;
    // Bind to loopback-or-any on an ephemeral port; the client needs no fixed port.
    this.#client = new Client({ timeout: options.timeoutMs });
    // The client emits 'error' for replies arriving after their timeout; without a
    // listener Node would throw and take the service down.
    this.#client.on('error', (err: Error) => deps.onStrayError?.(err));
  }

  /**
   * Sends one command and resolves with an `ok`/`pong` reply.
   * @throws PBX_ERR_MEDIA_ENGINE_TIMEOUT when no reply arrives within `timeoutMs`
   * @throws PBX_ERR_MEDIA_ENGINE_REFUSED when the engine answers `result: error`
   *   ({@link EngineCallUnknown} when it holds no session for the call)
   */
  async send(engine: EngineAddress, command: NgCommand, params: Record<string, unknown> = {}): Promise<NgReply> {
    // A CLIENT span per command inside a traced request (so a call's trace shows its ng round
    // trips), only when spans are exported; health-check pings run outside any trace and get none.
    const span = spansExported() ? ngSpan(engine, command) : undefined;
    try {
      return await this.#send(engine, command, params);
    } catch (err) {
      span?.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span?.end();
    }
  }

  async #send(engine: EngineAddress, command: NgCommand, params: Record<string, unknown>): Promise<NgReply> {
    const started = process.hrtime.bigint();
    let reply: NgReply;
    try {
      reply = (await this.#client[command](engine.port, engine.host, params)) as unknown as NgReply;
    } catch (err) {
      this.#observe(command, 'timeout', started);
      // rtpengine-client rejects only on its timeout or a socket send failure;
      // for the caller both mean "this engine did not answer".
      throw new PBX_ERR_MEDIA_ENGINE_TIMEOUT(engineId(engine), command, this.#timeoutMs, toError(err));
    }
    if (reply.result !== 'ok' && reply.result !== 'pong') {
      this.#observe(command, 'error', started);
      const reason = typeof reply['error-reason'] === 'string' ? reply['error-reason'] : `result ${String(reply.result)}`;
      throw engineRefusal(engineId(engine), command, reason);
    }
    this.#observe(command, 'ok', started);
    return reply;
  }

  /** Closes the socket; later calls do nothing. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#client.close();
  }

  #observe(command: NgCommand, outcome: NgOutcome, started: bigint): void {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    try {
      this.#deps.observe?.(command, outcome, seconds);
    } catch {
      // a metrics bug must not fail a media operation
    }
  }
}

/** `ng <command>` as a child of the active span, or nothing outside a trace. */
function ngSpan(engine: EngineAddress, command: NgCommand): Span | undefined {
  const parent = context.active();
  if (trace.getSpan(parent) === undefined) return undefined;
  return trace.getTracer('@dragonpbx/media-controller').startSpan(
    `ng ${command}`,
    { kind: SpanKind.CLIENT, attributes: { 'rpc.system': 'rtpengine-ng', 'rpc.method': command, 'server.address': engine.host, 'server.port': engine.port } },
    parent,
  );
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
