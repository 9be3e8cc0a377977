import { randomBytes } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { PBX_ERR_MEDIA_ENGINE_REFUSED, PBX_ERR_MEDIA_ENGINE_REPLY, PBX_ERR_MEDIA_ENGINE_TIMEOUT } from '@dragonpbx/shared';
import { bdecode, bencodeText } from './bencode.js';
import { type EngineAddress, engineId } from './engine-address.js';
import { NG_WIRE_NAMES, type NgCommand, type NgReply } from './ng-command.js';

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
  /** Late, uncorrelated or unreadable replies end up here instead of crashing the process. */
  readonly onStrayError?: (err: Error) => void;
}

/** One command waiting for its reply. */
interface Pending {
  readonly engine: EngineAddress;
  readonly command: NgCommand;
  readonly started: bigint;
  readonly timer: NodeJS.Timeout;
  readonly resolve: (reply: NgReply) => void;
  readonly reject: (err: Error) => void;
}

const SPACE = 0x20;

/**
 * The ng protocol over UDP to any number of engines: `<cookie> <bencoded
 * dictionary>` out, the same cookie back with the reply. One socket per
 * address family; replies are matched by cookie and handled in the socket's
 * own callback (no extra event-loop turns). Adds typed errors with stable
 * codes, a reply timeout that is never "wait forever", and latency reporting.
 */
export class NgClient {
  readonly #timeoutMs: number;
  readonly #deps: NgClientDeps;
  readonly #pending = new Map<string, Pending>();
  /** Cookie prefix: random per client, so replies meant for an earlier process are not taken for ours. */
  readonly #prefix = randomBytes(6).toString('hex');
  #seq = 0;
  #udp4: Socket | undefined;
  #udp6: Socket | undefined;
  #closed = false;

  constructor(options: NgClientOptions, deps: NgClientDeps = {}) {
    this.#timeoutMs = options.timeoutMs;
    this.#deps = deps;
  }

  /**
   * Sends one command and resolves with an `ok`/`pong` reply.
   * @throws PBX_ERR_MEDIA_ENGINE_TIMEOUT when no reply arrives within `timeoutMs` (or the datagram cannot be sent)
   * @throws PBX_ERR_MEDIA_ENGINE_REFUSED when the engine answers `result: error`
   * @throws PBX_ERR_MEDIA_ENGINE_REPLY when the reply is not a bencoded dictionary
   */
  send(engine: EngineAddress, command: NgCommand, params: Record<string, unknown> = {}): Promise<NgReply> {
    const started = process.hrtime.bigint();
    const cookie = `${this.#prefix}${(++this.#seq).toString(36)}`;
    // Throws BencodeEncodeError for a parameter that has no bencoding (a programming error).
    const message = Buffer.from(`${cookie} ${bencodeText({ ...params, command: NG_WIRE_NAMES[command] })}`, 'utf8');
    return new Promise<NgReply>((resolve, reject) => {
      if (this.#closed) {
        reject(this.#timeout(engine, command, new Error('ng client closed')));
        return;
      }
      const timer = setTimeout(() => this.#fail(cookie, 'timeout', undefined), this.#timeoutMs);
      this.#pending.set(cookie, { engine, command, started, timer, resolve, reject });
      this.#socketFor(engine.host).send(message, engine.port, engine.host, (err) => {
        if (err) this.#fail(cookie, 'timeout', err);
      });
    });
  }

  /** Closes the sockets; commands still waiting fail at once, later calls fail too. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const cookie of [...this.#pending.keys()]) this.#fail(cookie, 'timeout', new Error('ng client closed'));
    this.#udp4?.close();
    this.#udp6?.close();
  }

  #socketFor(host: string): Socket {
    if (host.includes(':')) {
      this.#udp6 ??= this.#open('udp6');
      return this.#udp6;
    }
    this.#udp4 ??= this.#open('udp4');
    return this.#udp4;
  }

  #open(type: 'udp4' | 'udp6'): Socket {
    const socket = createSocket(type);
    socket.on('message', (msg, from) => this.#onMessage(msg, from));
    // A socket error (e.g. ICMP unreachable surfacing) must not take the process down;
    // the commands concerned time out.
    socket.on('error', (err) => this.#stray(err));
    return socket;
  }

  #onMessage(msg: Buffer, from: RemoteInfo): void {
    const space = msg.indexOf(SPACE);
    const cookie = space > 0 ? msg.toString('latin1', 0, space) : '';
    const pending = this.#pending.get(cookie);
    if (pending === undefined) {
      this.#stray(new Error(`late or uncorrelated ng reply from ${from.address}:${from.port} (cookie "${cookie.slice(0, 64)}")`));
      return;
    }
    let reply: unknown;
    try {
      reply = bdecode(msg, space + 1);
    } catch (err) {
      this.#fail(cookie, 'error', new PBX_ERR_MEDIA_ENGINE_REPLY(engineId(pending.engine), NG_WIRE_NAMES[pending.command], (err as Error).message));
      return;
    }
    if (typeof reply !== 'object' || reply === null || Array.isArray(reply)) {
      this.#fail(cookie, 'error', new PBX_ERR_MEDIA_ENGINE_REPLY(engineId(pending.engine), NG_WIRE_NAMES[pending.command], 'the reply is not a dictionary'));
      return;
    }
    const r = reply as NgReply;
    if (r.result !== 'ok' && r.result !== 'pong') {
      const reason = typeof r['error-reason'] === 'string' ? r['error-reason'] : `result ${String(r.result)}`;
      this.#fail(cookie, 'error', new PBX_ERR_MEDIA_ENGINE_REFUSED(engineId(pending.engine), pending.command, reason));
      return;
    }
    this.#pending.delete(cookie);
    clearTimeout(pending.timer);
    this.#observe(pending.command, 'ok', pending.started);
    pending.resolve(r);
  }

  /** Ends a pending command: `error` rejects with `err`, `timeout` with PBX_ERR_MEDIA_ENGINE_TIMEOUT. */
  #fail(cookie: string, outcome: 'error' | 'timeout', err: Error | undefined): void {
    const pending = this.#pending.get(cookie);
    if (pending === undefined) return;
    this.#pending.delete(cookie);
    clearTimeout(pending.timer);
    this.#observe(pending.command, outcome, pending.started);
    // A send failure and a missing reply both mean "this engine did not answer".
    pending.reject(outcome === 'timeout' ? this.#timeout(pending.engine, pending.command, err) : (err as Error));
  }

  #timeout(engine: EngineAddress, command: NgCommand, cause: Error | undefined): Error {
    return new PBX_ERR_MEDIA_ENGINE_TIMEOUT(engineId(engine), command, this.#timeoutMs, cause);
  }

  #stray(err: Error): void {
    try {
      this.#deps.onStrayError?.(err);
    } catch {
      // a logging bug must not take the socket down
    }
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
