// The whole PBX for call tests: every component started from its own entry point as a separate
// process (as scripts/stack.sh starts them), on the machine's Redis and NATS JetStream and the
// shared RTPEngine (127.0.0.1:22222), isolated by a random Redis key prefix, NATS subject
// prefix, JetStream stream and hook-dispatcher key prefix. The webhooks (RegHook, CallHook,
// StatusHook) are one test HookServer; StatusHook events reach it only through the
// hook-dispatcher, as in production (docs/contract.md §3.3).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type HookCall, HookServer, type ServiceProcess, spawnService, until } from '@dragonpbx/testkit';
import { Redis } from 'ioredis';
import { connect } from 'nats';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** Generous: five to seven node processes start on a shared 2-core machine. */
const READY_MS = 120_000;
/** The call-router's node flags as `npm start` (scripts/stack.sh) runs it. */
const CALL_ROUTER_NODE_FLAGS = ['--single-threaded-gc', '--max-semi-space-size=32'];

/** Where one stack listens; every port lies in the file's own range. */
export interface StackPorts {
  readonly sip: number;
  readonly admin: number;
  /** First of the consecutive ops ports (one per component). */
  readonly ops: number;
}

/** What the RegHook answers for a user: its codecs (docs/contract.md §3.1). */
export type CodecsOf = (user: string) => readonly string[] | undefined;

export interface CallStackOptions {
  readonly ports: StackPorts;
  /** call-router replicas on the one SIP server. @defaultValue 1 */
  readonly routers?: number;
  /** Variables of call-router replica `i` only (e.g. its `WEBPORT`). */
  readonly routerEnv?: (i: number) => Record<string, string>;
  /**
   * The media-controller: `false` for none, or its name, extra variables (e.g. an RTPEngine
   * that does not answer) and what to wait for (`healthy`: alive and serving, though not ready).
   * @defaultValue `media-controller` on the shared RTPEngine, waited for until ready
   */
  readonly media?: false | { readonly name: string; readonly env: Record<string, string>; readonly waitFor: WaitFor };
  /**
   * Start the hook-dispatcher (StatusHook delivery). Without it the call-routers' events have no
   * stream and are dropped (logged `PBX_ERR_STATUS_PUBLISH`), which never affects a call.
   * @defaultValue true
   */
  readonly hookDispatcher?: boolean;
  /** Codecs the RegHook hands each registering client. @defaultValue the server default */
  readonly codecs?: CodecsOf;
  /** Variables on top of the common environment of every component. */
  readonly env?: Record<string, string>;
  /**
   * A SIP server already running, not started by the stack (its `sip` and `admin` ports are then
   * unused). @defaultValue the one SIP_SERVER=external names, else none (the stack starts the embedded one)
   */
  readonly sipServer?: ExternalSipServer;
  /** The address the embedded sip-server takes SIP on (`[::1]` for IPv6). @defaultValue 127.0.0.1 */
  readonly sipAddress?: string;
  /** Put the shipped ringback (`uk.wav`) in the media path, so a ringing callee means a 183 and the tone. @defaultValue true */
  readonly ringback?: boolean;
}

/** What {@link CallStack.startComponent} waits for: `/readyz` 200, `/healthz` 200, or nothing. */
export type WaitFor = 'ready' | 'healthy' | 'none';

export const DOMAIN = 'e2e.test';
/** The inbound trunk's source address: SIPp binds it with `-i`. */
export const TRUNK_IP = '127.0.0.2';

/** A SIP server this stack does not start (drachtio-server in production): its admin address and SIP port. */
export interface ExternalSipServer {
  readonly host: string;
  readonly port: number;
  readonly secret: string;
  /** The port it takes SIP on (UDP and TCP). */
  readonly sipPort: number;
}

/**
 * The SIP server that SIP_SERVER=external names (DRACHTIO_HOST, DRACHTIO_PORT, DRACHTIO_SECRET,
 * SIP_PORT), `undefined` when SIP_SERVER is unset or `embedded`; any other value is refused.
 */
export function externalSipServer(env: NodeJS.ProcessEnv = process.env): ExternalSipServer | undefined {
  const mode = env.SIP_SERVER ?? 'embedded';
  if (mode === 'embedded') return undefined;
  if (mode !== 'external') throw new Error(`SIP_SERVER=${mode}: expected embedded or external`);
  const num = (name: string, fallback: string) => {
    const n = Number(env[name] ?? fallback);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`SIP_SERVER=external: ${name}=${env[name]} is not a port`);
    return n;
  };
  return { host: env.DRACHTIO_HOST ?? '127.0.0.1', port: num('DRACHTIO_PORT', '9022'), secret: env.DRACHTIO_SECRET ?? 'cymru', sipPort: num('SIP_PORT', '5060') };
}

/** The port a file sends its SIP to: its own (`own`, the embedded server's) or the external server's. */
export function sipPort(own: number): number {
  return externalSipServer()?.sipPort ?? own;
}

/** A running stack; {@link CallStack.start} builds it. */
export class CallStack {
  readonly hook = new HookServer();
  readonly tag = randomBytes(4).toString('hex');
  readonly keyPrefix = `e2e-calls-${this.tag}:`;
  readonly subjectPrefix = `e2ecalls${this.tag}`;
  readonly stream = `E2E_CALLS_${this.tag}`;
  readonly hookKeyPrefix = `e2e-calls-${this.tag}-hooks`;
  readonly dir = mkdtempSync(join(tmpdir(), 'e2e-calls-'));
  readonly mediaPath = join(this.dir, 'media');
  readonly redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true });
  readonly #procs = new Map<string, { proc: ServiceProcess; opsPort: number }>();
  readonly #options: CallStackOptions;
  /** How long the start took, ms, and each component's time to its wait condition. */
  startedInMs = 0;
  readonly componentMs: Record<string, number> = {};

  /** The SIP server the applications connect to when the stack does not start one. */
  readonly external: ExternalSipServer | undefined;

  private constructor(options: CallStackOptions) {
    this.#options = options;
    this.external = options.sipServer ?? externalSipServer();
  }

  static async start(options: CallStackOptions): Promise<CallStack> {
    const stack = new CallStack(options);
    try {
      await stack.#start();
    } catch (err) {
      await stack.stop();
      throw err;
    }
    return stack;
  }

  /** Where the stack listens; `sip` is the external server's SIP port when there is one. */
  get ports(): StackPorts {
    const { ports } = this.#options;
    return this.external ? { ...ports, sip: this.external.sipPort } : ports;
  }

  /** The environment every component shares (each reads what it needs). */
  commonEnv(): Record<string, string> {
    const { admin } = this.#options.ports;
    return {
      LOGLEVEL: 'info',
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
      NATS_SUBJECT_PREFIX: this.subjectPrefix,
      REDIS_KEY_PREFIX: this.keyPrefix,
      DRACHTIO_HOST: this.external?.host ?? '127.0.0.1',
      DRACHTIO_PORT: String(this.external?.port ?? admin),
      DRACHTIO_SECRET: this.external?.secret ?? 'cymru',
      DATA_SOURCE: 'json',
      CONFIG_FILE: join(this.dir, 'config.json'),
      MEDIA_PATH: this.mediaPath,
      FILE_PATH: this.dir,
      DIGEST_ALGORITHMS: 'MD5,SHA-256',
      CALL_ROUTER_NONCE_SECRET: `e2e-call-router-nonce-${this.tag}`,
      REGISTRAR_NONCE_SECRET: `e2e-registrar-nonce-${this.tag}`,
      FLOOD_PROTECTION: 'false',
      HOOK_TIMEOUT_MS: '2000',
      HOOK_STREAM: this.stream,
      HOOK_KEY_PREFIX: this.hookKeyPrefix,
      HOOK_BACKOFF_BASE_MS: '100',
      RTPENGINE_HOST: '127.0.0.1',
      RTPENGINE_PORT: '22222',
      MEDIA_TIMEOUT_MS: '1500',
      MEDIA_NG_TIMEOUT_MS: '1000',
      CALL_DRAIN_TIMEOUT_MS: '500',
      // The REST call API on an ephemeral port unless a test names one (routerEnv): never the shared 2999.
      WEBPORT: '0',
      SHUTDOWN_TIMEOUT_MS: '5000',
      ...this.#options.env,
    };
  }

  async #start(): Promise<void> {
    const t0 = Date.now();
    await this.hook.start();
    this.#routeRegHook();
    this.#writeConfig();
    this.#writeMedia();
    const { ports } = this.#options;
    // Everything at once: the registrar and the call-routers retry the SIP server's admin port
    // for 30 s (connectSrf) while it boots, and no call is placed before every component is
    // ready — by then the hook-dispatcher has created the stream the call-routers publish to.
    const starting: Promise<void>[] = [this.startComponent('registrar', 'services/registrar/src/main.ts', ports.ops + 2)];
    if (!this.external) {
      starting.push(
        this.startComponent('sip-server', 'services/sip-server/src/main.ts', ports.ops, {}, [
          '--contact', `sip:${this.#options.sipAddress ?? '127.0.0.1'}:${ports.sip};transport=udp,tcp`,
          '--address', '127.0.0.1',
          '--port', String(ports.admin),
          '--prometheus-scrape-port', String(ports.ops),
        ]),
      );
    }
    if (this.#options.hookDispatcher !== false) {
      starting.push(this.startComponent('hook-dispatcher', 'services/hook-dispatcher/src/main.ts', ports.ops + 1, {}, [], ['--single-threaded-gc']));
    }
    const media = this.#options.media ?? { name: 'media-controller', env: {}, waitFor: 'ready' };
    if (media !== false) starting.push(this.startMedia(media.name, ports.ops + 3, media.env, media.waitFor));
    for (let i = 0; i < (this.#options.routers ?? 1); i++) {
      starting.push(this.startComponent(this.routerName(i), 'services/call-router/src/main.ts', ports.ops + 4 + i, { INSTANCE_ID: this.routerName(i), ...this.#options.routerEnv?.(i) }, [], CALL_ROUTER_NODE_FLAGS));
    }
    await Promise.all(starting);
    this.startedInMs = Date.now() - t0;
  }

  /** The instance id (and component name) of call-router replica `i`. */
  routerName(i: number): string {
    return `cr${i}-${this.tag}`;
  }

  /** Starts a media-controller named `name` with ops port `opsPort` and extra variables. */
  startMedia(name: string, opsPort: number, env: Record<string, string> = {}, waitFor: WaitFor = 'ready'): Promise<void> {
    return this.startComponent(name, 'services/media-controller/src/main.ts', opsPort, { INSTANCE_ID: `${name}-${this.tag}`, ...env }, [], [], waitFor);
  }

  /** Starts `entry` as component `name`; resolves when it is what `waitFor` says. */
  async startComponent(
    name: string,
    entry: string,
    opsPort: number,
    env: Record<string, string> = {},
    args: string[] = [],
    nodeFlags: string[] = [],
    waitFor: WaitFor = 'ready',
  ): Promise<void> {
    const t0 = Date.now();
    const proc = spawnService(entry, { ...this.commonEnv(), METRICS_PORT: String(opsPort), METRICS_HOST: '127.0.0.1', ...env }, { cwd: ROOT, args, nodeFlags });
    this.#procs.set(name, { proc, opsPort });
    if (waitFor === 'none') return;
    let exited = false;
    void proc.exited.then(() => {
      exited = true;
    });
    try {
      await until(async () => exited || (await this.#probe(name, waitFor === 'ready' ? '/readyz' : '/healthz')), READY_MS, `${name} ${waitFor}`);
    } catch (err) {
      throw new Error(`${(err as Error).message}; its output:\n${proc.output().slice(-3000)}`);
    }
    if (exited) throw new Error(`${name} exited before it was ready:\n${proc.output().slice(-3000)}`);
    this.componentMs[name] = Date.now() - t0;
  }

  /** True when the component answers 200 on /readyz. */
  ready(name: string): Promise<boolean> {
    return this.#probe(name, '/readyz');
  }

  async #probe(name: string, path: string): Promise<boolean> {
    const c = this.#procs.get(name);
    if (!c) return false;
    try {
      return (await fetch(`http://127.0.0.1:${c.opsPort}${path}`, { signal: AbortSignal.timeout(1000) })).ok;
    } catch {
      return false;
    }
  }

  /** The component's /metrics text. */
  async metrics(name: string): Promise<string> {
    const c = this.#procs.get(name);
    if (!c) throw new Error(`no component ${name}`);
    return (await fetch(`http://127.0.0.1:${c.opsPort}/metrics`)).text();
  }

  /** The component's process (signals, exit), `undefined` once stopped. */
  process(name: string): ServiceProcess | undefined {
    return this.#procs.get(name)?.proc;
  }

  /** Everything the component wrote so far. */
  output(name: string): string {
    return this.#procs.get(name)?.proc.output() ?? '';
  }

  /** SIGTERM to one component; resolves when it exited. */
  async stopComponent(name: string): Promise<void> {
    const c = this.#procs.get(name);
    if (!c) return;
    this.#procs.delete(name);
    if (c.proc.child.exitCode === null && c.proc.child.signalCode === null) {
      c.proc.child.kill('SIGTERM');
      const timer = setTimeout(() => c.proc.child.kill('SIGKILL'), 8000);
      await c.proc.exited;
      clearTimeout(timer);
    }
  }

  /** The RegHook accepts every phone (a test hook checks no digest) and hands out the dialplan and codecs. */
  #routeRegHook(): void {
    this.hook.route('/reghook', (body) => {
      const codecs = this.#options.codecs?.(String(body.username ?? ''));
      return {
        kind: 'json',
        body: {
          status: 'ok',
          dialplan: { '*': { callHook: this.hook.url('/call'), statusHook: this.hook.url('/status') } },
          ...(codecs && { codecs }),
        },
      };
    });
    this.hook.route('/status', () => ({ kind: 'raw', status: 204, text: '' }));
  }

  #writeConfig(): void {
    const doc = {
      domains: {
        [DOMAIN]: {
          domain_id: 1,
          clients: [{ id: 1, username: '*', reghook: this.hook.url('/reghook') }],
          trunks: [
            {
              id: 1,
              name: 'carrier',
              inbound: [`${TRUNK_IP}/32`],
              outbound: { host: `${TRUNK_IP}:5060` },
              dialplan: { '*': { callHook: this.hook.url('/call'), statusHook: this.hook.url('/status') } },
              codecs: ['PCMU'],
            },
          ],
        },
      },
    };
    writeFileSync(join(this.dir, 'config.json'), JSON.stringify(doc));
  }

  /** 8 kHz mono 16-bit files, the format RTPEngine plays (docs/contract.md §4.1). */
  #writeMedia(): void {
    execFileSync('mkdir', ['-p', this.mediaPath]);
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', join(this.mediaPath, 'tone.wav'), 'synth', '0.6', 'sine', '1000']);
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', join(this.mediaPath, 'long.wav'), 'synth', '3', 'sine', '440']);
    // The shipped ringback (DEFAULT_RINGTONE file:/uk.wav): a ringing callee means a 183 and the tone.
    if (this.#options.ringback !== false) copyFileSync(join(ROOT, 'media/uk.wav'), join(this.mediaPath, 'uk.wav'));
  }

  /** Writes `MEDIA_PATH/<name>`: `seconds` of a `hz` sine, 8 kHz mono 16-bit at -6 dBFS. */
  writeTone(name: string, hz: number, seconds: number): void {
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', join(this.mediaPath, name), 'synth', String(seconds), 'sine', String(hz), 'vol', '0.5']);
  }

  /** StatusHook bodies the hook-dispatcher delivered for `callId`, in arrival order. */
  events(callId: string): Record<string, unknown>[] {
    return this.hook
      .callsTo('/status')
      .map((c: HookCall) => c.body)
      .filter((b) => b.callId === callId);
  }

  names(callId: string): string[] {
    return this.events(callId).map((e) => String(e.event));
  }

  /** Waits until the events of `callId` include `last`, then a little longer for stragglers. */
  async eventsUntil(callId: string, last: string, ms = 8000): Promise<Record<string, unknown>[]> {
    await until(() => this.names(callId).includes(last), ms, `${last} of ${callId}; got ${this.names(callId).join(',')}`);
    await new Promise((r) => setTimeout(r, 250));
    return this.events(callId);
  }

  /** The Call-ID of the latest CallHook request. */
  lastCallId(): string {
    return String(this.hook.callsTo('/call').at(-1)?.body.callId);
  }

  async stop(): Promise<void> {
    // Routers first (they hang up their calls), then the rest, the SIP server last.
    const names = [...this.#procs.keys()];
    const order = (n: string) => (n.startsWith('cr') ? 0 : n === 'sip-server' ? 2 : 1);
    for (const rank of [0, 1, 2]) await Promise.all(names.filter((n) => order(n) === rank).map((n) => this.stopComponent(n)));
    await this.hook.stop().catch(() => undefined);
    try {
      await this.redis.connect().catch(() => undefined);
      for (const p of [this.keyPrefix, this.hookKeyPrefix]) {
        const keys = await this.redis.keys(`${p}*`);
        if (keys.length) await this.redis.del(...keys);
      }
    } finally {
      this.redis.disconnect();
    }
    const nc = await connect({ servers: process.env.NATS_URL ?? '127.0.0.1:4222' }).catch(() => undefined);
    if (nc) {
      const jsm = await nc.jetstreamManager();
      await jsm.streams.delete(this.stream).catch(() => undefined);
      await nc.close();
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
