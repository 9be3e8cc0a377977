import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonConfigSource } from '@dragonpbx/shared/config';
import { type Subjects, createSubjects } from '@dragonpbx/shared/messaging';
import { type ConnectedSrf, Srf, connectSrf } from '@dragonpbx/shared/srf';
import { StateStore } from '@dragonpbx/shared/state';
import { createWebhookClient, type WebhookClient } from '@dragonpbx/shared/webhooks';
import { SipServer } from '@dragonpbx/sip-server';
import { Redis } from 'ioredis';
import { type NatsConnection, connect } from 'nats';
import pino from 'pino';
import { natsEventSink } from '../../src/register/nats-event-sink.js';
import type { RegistrationEvent } from '../../src/register/registration-event.js';
import { Registrar } from '../../src/registrar.js';
import type { RegistrarOptionsInput } from '../../src/registrar-options.js';
import { TrunkRegistrar } from '../../src/trunk/trunk-registrar.js';
import type { TrunkRegistrarOptionsInput } from '../../src/trunk/trunk-registrar-options.js';
import { RegHookServer } from './reg-hook-server.js';

export const DOMAIN = 'dragon.test';
export const NONCE_SECRET = 'registrar-test-secret-0123456789';
export const SIGNING_SECRET = `whsec_${Buffer.from('registrar-test-signing-key').toString('base64')}`;
export const silent = pino({ level: process.env.REGISTRAR_TEST_LOG ?? 'silent' });

/** One registrar replica connected to the test SIP server. */
export interface Replica {
  readonly registrar: Registrar;
  readonly app: ConnectedSrf;
  readonly instanceId: string;
  /** Present when the replica was started with trunk options. */
  readonly trunks?: TrunkRegistrar;
  /** Graceful: releases trunk leases, then disconnects. */
  stop(): Promise<void>;
  /** As if the process died: leases lapse, nothing is released. */
  crash(): Promise<void>;
}

/** Everything one test file needs, isolated by a random Redis prefix and NATS subject prefix. */
export interface Harness {
  readonly server: SipServer;
  readonly sipPort: number;
  readonly redis: Redis;
  readonly state: StateStore;
  readonly prefix: string;
  readonly nc: NatsConnection;
  readonly subjects: Subjects;
  /** Registration events received over NATS. */
  readonly events: RegistrationEvent[];
  readonly hook: RegHookServer;
  readonly config: JsonConfigSource;
  readonly configFile: string;
  readonly webhook: WebhookClient;
  readonly replicas: Replica[];
  startReplica(
    options?: Partial<RegistrarOptionsInput>,
    trunks?: Partial<TrunkRegistrarOptionsInput>,
    deps?: { readonly state?: StateStore },
  ): Promise<Replica>;
  writeConfig(doc: unknown): void;
  stop(): Promise<void>;
}

/** The default configuration: a RegHook client pattern, two static clients. */
export function defaultConfig(hookUrl: string): unknown {
  return {
    domains: {
      [DOMAIN]: {
        domain_id: 7,
        clients: [
          { id: 1, username: '1000', password: 'secret1000', dialplan: { '1???': 'http://127.0.0.1:9/call' }, codecs: ['PCMU'], expires: 120, maxClients: 2 },
          { id: 2, username: '1001', password: 'secret1001' },
          { id: 3, username: '2???', reghook: hookUrl, maxClients: 1 },
        ],
        trunks: [],
      },
    },
  };
}

/** Starts the SIP server on `sipPort` (admin on an ephemeral port), Redis, NATS, a RegHook and a config file. */
export async function startHarness(sipPort: number, configDoc?: (hookUrl: string) => unknown): Promise<Harness> {
  const id = randomBytes(4).toString('hex');
  const prefix = `test:reg:${id}:`;
  const hook = new RegHookServer();
  await hook.start();
  const dir = mkdtempSync(join(tmpdir(), 'registrar-'));
  const configFile = join(dir, 'config.json');
  const writeConfig = (doc: unknown) => writeFileSync(configFile, JSON.stringify(doc));
  writeConfig((configDoc ?? defaultConfig)(hook.hookUrl));
  const config = new JsonConfigSource({ file: configFile, watch: true, debounceMs: 20 }, { logger: silent });
  await config.start();
  const server = new SipServer({
    admin: { address: '127.0.0.1', port: 0, secret: 'cymru' },
    contacts: [{ protocol: 'udp', host: '127.0.0.1', port: sipPort }],
    logLevel: 'error',
  });
  await server.start();
  const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: false, maxRetriesPerRequest: 2 });
  const state = new StateStore({ keyPrefix: prefix }, { redis });
  const nc = await connect({ servers: '127.0.0.1:4222' });
  const subjects = createSubjects({ prefix: `t${id}` });
  const events: RegistrationEvent[] = [];
  const sub = nc.subscribe(subjects.registrationsAll());
  void (async () => {
    for await (const m of sub) events.push(JSON.parse(new TextDecoder().decode(m.data)) as RegistrationEvent);
  })();
  const webhook = createWebhookClient({ timeoutMs: 3000, signingSecret: SIGNING_SECRET });
  const replicas: Replica[] = [];
  let n = 0;

  const startReplica = async (
    options: Partial<RegistrarOptionsInput> = {},
    trunkOptions?: Partial<TrunkRegistrarOptionsInput>,
    deps: { readonly state?: StateStore } = {},
  ): Promise<Replica> => {
    const instanceId = `r${++n}-${id}`;
    const registrar = new Registrar(
      { nonceSecret: NONCE_SECRET, instanceId, hookTimeoutMs: 500, ...options },
      { config, state: deps.state ?? state, webhook, events: natsEventSink(nc, subjects, () => {}), logger: silent },
    );
    const srf = new Srf();
    registrar.attach(srf);
    const app = await connectSrf({ host: '127.0.0.1', port: server.adminPort, secret: 'cymru', srf }, silent);
    const trunks = trunkOptions ? new TrunkRegistrar({ instanceId, ...trunkOptions }, { srf, config, state, logger: silent }) : undefined;
    trunks?.start();
    let stopped = false;
    const halt = async (release: boolean) => {
      if (stopped) return;
      stopped = true;
      await trunks?.stop(release);
      app.disconnect();
    };
    const replica: Replica = { registrar, app, instanceId, ...(trunks && { trunks }), stop: () => halt(true), crash: () => halt(false) };
    replicas.push(replica);
    return replica;
  };

  return {
    server,
    sipPort,
    redis,
    state,
    prefix,
    nc,
    subjects,
    events,
    hook,
    config,
    configFile,
    webhook,
    replicas,
    startReplica,
    writeConfig,
    async stop() {
      for (const r of replicas) await r.stop();
      await server.stop();
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
      await nc.drain();
      webhook.close();
      await config.close();
      await hook.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until `cond()` holds. */
export async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
