import { randomBytes } from 'node:crypto';
import { JsonConfigSource } from '@dragonpbx/shared/config';
import type { StatusEnvelope } from '@dragonpbx/shared/contracts';
import { MediaClient, type Subjects, createSubjects } from '@dragonpbx/shared/messaging';
import { type Metrics, createMetrics } from '@dragonpbx/shared/platform';
import { type ConnectedSrf, Srf, connectSrf } from '@dragonpbx/shared/srf';
import { StateStore } from '@dragonpbx/shared/state';
import { createWebhookClient, type WebhookClient } from '@dragonpbx/shared/webhooks';
import { MediaController, createMediaMetrics } from '@dragonpbx/media-controller';
import { Registrar } from '@dragonpbx/registrar';
import { SipServer } from '@dragonpbx/sip-server';
import { Redis } from 'ioredis';
import { type NatsConnection, connect } from 'nats';
import { CallRouter } from '../../src/call-router.js';
import { createCallRouterMetrics } from '../../src/call-router-metrics.js';
import type { CallRouterOptionsInput } from '../../src/call-router-options.js';
import { jetStreamEventSink } from '../../src/engine/status-event-sink.js';
import { configFrom, silent } from './config.js';
import { HookServer } from '@dragonpbx/testkit';

export const DOMAIN = 'router.test';
export const NONCE_SECRET = 'call-router-test-nonce-secret-01';

/**
 * Everything one integration test file needs: the embedded SIP server, a
 * registrar replica and a call-router on it, real Redis (random key prefix),
 * NATS with a JetStream stream for the status events (random subject prefix),
 * and a hook server for RegHooks, CallHooks and StatusHook URLs.
 */
export interface Harness {
  readonly server: SipServer;
  readonly sipPort: number;
  readonly redis: Redis;
  readonly state: StateStore;
  readonly prefix: string;
  readonly nc: NatsConnection;
  readonly subjects: Subjects;
  readonly hook: HookServer;
  readonly config: JsonConfigSource;
  readonly webhook: WebhookClient;
  readonly router: CallRouter;
  /** The call-router's Prometheus registry. */
  readonly routerMetrics: Metrics;
  /** Status events published by the call-router, as stored in the stream. */
  readonly events: StatusEnvelope[];
  eventsOf(callId: string): Record<string, unknown>[];
  writeConfig(doc: unknown): void;
  stop(): Promise<void>;
}

/** `clients` and `trunks` of the test domain; dialplans point at the hook server. */
export type ConfigDoc = (hook: HookServer) => unknown;

/** Extras of {@link startHarness}. */
export interface HarnessExtras {
  /** Start a media-controller on the shared RTPEngine (127.0.0.1:22222) and give the router its client. */
  readonly media?: boolean;
}

export async function startHarness(
  sipPort: number,
  doc: ConfigDoc,
  options: Partial<CallRouterOptionsInput> = {},
  extras: HarnessExtras = {},
): Promise<Harness> {
  const id = randomBytes(4).toString('hex');
  const prefix = `test:cr:${id}:`;
  const hook = new HookServer();
  await hook.start();
  const cfg = await configFrom(doc(hook));
  const server = new SipServer({
    admin: { address: '127.0.0.1', port: 0, secret: 'cymru' },
    contacts: [{ protocol: 'udp', host: '127.0.0.1', port: sipPort }],
    logLevel: 'error',
  });
  await server.start();
  const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
  const state = new StateStore({ keyPrefix: prefix }, { redis });
  const nc = await connect({ servers: '127.0.0.1:4222' });
  const subjectPrefix = `tcr${id}`;
  const subjects = createSubjects({ prefix: subjectPrefix });
  const jsm = await nc.jetstreamManager();
  const stream = `CRTEST_${id}`;
  await jsm.streams.add({ name: stream, subjects: [subjects.statusAll()] });
  const events: StatusEnvelope[] = [];
  const sub = nc.subscribe(subjects.statusAll());
  void (async () => {
    for await (const m of sub) events.push(JSON.parse(new TextDecoder().decode(m.data)) as StatusEnvelope);
  })();
  const webhook = createWebhookClient({ timeoutMs: 3000 });

  const registrar = new Registrar(
    { nonceSecret: NONCE_SECRET, instanceId: `reg-${id}`, hookTimeoutMs: 500, algorithms: ['MD5'], flood: { enabled: false } },
    { config: cfg.config, state, webhook, events: { emit: () => {} }, logger: silent },
  );
  const regSrf = new Srf();
  registrar.attach(regSrf);
  const regApp: ConnectedSrf = await connectSrf({ host: '127.0.0.1', port: server.adminPort, secret: 'cymru', srf: regSrf }, silent);

  let controller: MediaController | undefined;
  let media: MediaClient | undefined;
  if (extras.media) {
    controller = new MediaController(
      { engines: [{ host: '127.0.0.1', port: 22222 }], subjectPrefix, keyPrefix: prefix },
      { nc, redis, logger: silent, metrics: createMediaMetrics(createMetrics({ service: 'media-controller', defaultMetrics: false })) },
    );
    await controller.start();
    media = new MediaClient({ subjects, timeoutMs: 3000 }, { nc });
  }
  const routerMetrics = createMetrics({ service: 'call-router', defaultMetrics: false });
  const router = new CallRouter(
    { instanceId: `cr-${id}`, nonceSecret: NONCE_SECRET, algorithms: ['MD5', 'SHA-256'], hookTimeoutMs: 600, subjectPrefix, ...options },
    {
      config: cfg.config,
      state,
      webhook,
      events: jetStreamEventSink(nc.jetstream(), subjectPrefix),
      logger: silent,
      metrics: createCallRouterMetrics(routerMetrics),
      ...(media && { media }),
    },
  );
  const routerSrf = new Srf();
  router.attach(routerSrf);
  const routerApp = await connectSrf({ host: '127.0.0.1', port: server.adminPort, secret: 'cymru', srf: routerSrf }, silent);

  return {
    server,
    sipPort,
    redis,
    state,
    prefix,
    nc,
    subjects,
    hook,
    config: cfg.config,
    webhook,
    router,
    routerMetrics,
    events,
    eventsOf: (callId) => events.filter((e) => e.callId === callId).map((e) => e.body),
    writeConfig: cfg.write,
    async stop() {
      await router.stop();
      await controller?.stop();
      routerApp.disconnect();
      regApp.disconnect();
      await server.stop();
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
      await jsm.streams.delete(stream).catch(() => undefined);
      await nc.drain();
      webhook.close();
      await cfg.close();
      await hook.stop();
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
