import { randomUUID } from 'node:crypto';
import { type Socket, createSocket } from 'node:dgram';
import { PBX_ERR_MEDIA_ENGINE_TIMEOUT } from '@dragonpbx/shared/contracts';
import { spansExported } from '@dragonpbx/shared/platform';
import { type Span, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { engineRefusal } from './engine-call-unknown.js';
import { Client } from 'rtpengine-client';
import { type EngineAddress, engineId } from './engine-address.js';
import { NG_WIRE_NAMES, type NgCommand, type NgReply } from './ng-command.js';

/** Options of {@link NgClient}. */
export interface NgClientOptions {
  /** How long one command may take before it fails with PBX_ERR_MEDIA_ENGINE_TIMEOUT. */
  readonly timeoutMs: number;
  /**
   * Wait before the first retransmission of an unanswered command, ms; each
   * later one waits twice as long, until `timeoutMs`.
   * @defaultValue 250
   */
  readonly retransmitMs?: number;
}

/** Outcome label of one ng round trip, for the latency histogram. */
export type NgOutcome = 'ok' | 'error' | 'timeout';

/** Collaborators of {@link NgClient}. */
export interface NgClientDeps {
  /** Called after every round trip; errors thrown here are contained. */
  readonly observe?: (command: NgCommand, outcome: NgOutcome, seconds: number) => void;
  /** Late or uncorrelated replies end up here instead of crashing the process. */
  readonly onStrayError?: (err: Error) => void;
  /** Told each time a command is sent again for want of a reply. */
  readonly onRetransmit?: (command: NgCommand) => void;
}

/** A command waiting for its reply. */
interface Pending {
  readonly command: NgCommand;
  readonly message: Buffer;
  readonly engine: EngineAddress;
  readonly deadline: number;
  /** Wait before the next retransmission, ms. */
  wait: number;
  timer: NodeJS.Timeout | undefined;
  resolve(reply: NgReply): void;
  reject(err: Error): void;
}

/** Receive buffer asked for (the kernel caps it at net.core.rmem_max): a burst of replies must not overflow it. */
const RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * One UDP socket speaking the ng protocol to any number of engines, in
 * rtpengine-client's message format. Adds what the raw client lacks: typed
 * errors with stable codes, a reply timeout that is never "wait forever",
 * latency reporting, and retransmission. ng runs over UDP, and a datagram
 * lost in a burst (a socket buffer full on either side) would otherwise cost
 * a call its media: an unanswered command is sent again with the same cookie
 * after `retransmitMs`, then after twice that, and so on until `timeoutMs`.
 * RTPEngine answers a repeated cookie from its cache without running the
 * command twice, so an offer or a delete is never applied twice.
 */
export class NgClient {
  readonly #socket: Socket;
  readonly #timeoutMs: number;
  readonly #retransmitMs: number;
  readonly #deps: NgClientDeps;
  readonly #pending = new Map<string, Pending>();
  #closed = false;

  constructor(options: NgClientOptions, deps: NgClientDeps = {}) {
    this.#timeoutMs = options.timeoutMs;
    this.#retransmitMs = options.retransmitMs ?? 250;
    this.#deps = deps;
    this.#socket = createSocket('udp4');
    this.#socket.on('message', (msg: Buffer) => this.#onMessage(msg));
    // A send or receive error on the socket must not take the service down.
    this.#socket.on('error', (err: Error) => deps.onStrayError?.(err));
    // An ephemeral port on any address; the client needs no fixed port.
    this.#socket.bind(0, () => {
      try {
        this.#socket.setRecvBufferSize(RECEIVE_BUFFER_BYTES);
      } catch {
        // the default buffer still works, retransmission covers what it drops
      }
    });
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
      reply = await this.#request(engine, command, params);
    } catch (err) {
      this.#observe(command, 'timeout', started);
      // No reply in time, a socket send failure or a closed client: for the
      // caller all mean "this engine did not answer".
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

  /** Commands waiting for their reply. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Closes the socket and fails what waits; later calls do nothing. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.close();
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error('the ng client closed'));
    }
    this.#pending.clear();
  }

  #request(engine: EngineAddress, command: NgCommand, params: Record<string, unknown>): Promise<NgReply> {
    if (this.#closed) return Promise.reject(new Error('the ng client is closed'));
    // rtpengine-client's format: the reply's cookie must be a 36-character UUID.
    const cookie = randomUUID();
    const message = Client.encodeMessage(cookie, { ...params, command: NG_WIRE_NAMES[command] });
    return new Promise<NgReply>((resolve, reject) => {
      const p: Pending = { command, message, engine, deadline: Date.now() + this.#timeoutMs, wait: this.#retransmitMs, timer: undefined, resolve, reject };
      this.#pending.set(cookie, p);
      this.#transmit(cookie, p);
    });
  }

  /** Sends (again) and arms the next retransmission, or the timeout when none fits before it. */
  #transmit(cookie: string, p: Pending): void {
    this.#socket.send(p.message, p.engine.port, p.engine.host, (err) => {
      if (err && this.#pending.get(cookie) === p) this.#settle(cookie, p, err);
    });
    const left = p.deadline - Date.now();
    if (p.wait < left) {
      p.timer = setTimeout(() => {
        if (this.#pending.get(cookie) !== p) return;
        this.#deps.onRetransmit?.(p.command);
        this.#transmit(cookie, p);
      }, p.wait);
      p.wait *= 2;
    } else {
      p.timer = setTimeout(() => this.#settle(cookie, p, new Error(`no reply within ${this.#timeoutMs} ms`)), Math.max(left, 0));
    }
  }

  #settle(cookie: string, p: Pending, err: Error | undefined, reply?: NgReply): void {
    clearTimeout(p.timer);
    this.#pending.delete(cookie);
    if (err) p.reject(err);
    else p.resolve(reply!);
  }

  #onMessage(msg: Buffer): void {
    let decoded: { id: string; data: Record<string, unknown> };
    try {
      decoded = Client.decodeMessage(msg);
    } catch {
      this.#deps.onStrayError?.(new Error(`malformed ng reply (${msg.length} bytes)`));
      return;
    }
    const p = this.#pending.get(decoded.id);
    // A reply after the timeout, or the second answer to a retransmitted command.
    if (p === undefined) {
      this.#deps.onStrayError?.(new Error(`ng reply for no waiting command: ${decoded.id}`));
      return;
    }
    this.#settle(decoded.id, p, undefined, decoded.data as NgReply);
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
