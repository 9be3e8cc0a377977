/**
 * The call-router bench's "architecture floor": the baseline B2BUA's SIP flow
 * (baseline-b2bua.ts) plus, done the cheapest straightforward way (no state
 * machine, no verbs, no retries), the per-call I/O the architecture requires
 * of any call-router. What it costs above the baseline is the price of the
 * architecture; what the call-router costs above it is the call-router's own.
 *
 *   node [--expose-gc] --import tsx bench/call-router/floor-b2bua.ts <adminPort> <secret>
 *
 * Configured like the call-router, by its environment: NATS_URL,
 * NATS_SUBJECT_PREFIX, REDIS_URL, REDIS_KEY_PREFIX, INSTANCE_ID; and
 * FLOOR_CALL_HOOK, FLOOR_STATUS_HOOK (the dialplan entry's hooks) and
 * FLOOR_SOURCE (the CallHook body's `source`: the trunk, JSON).
 *
 * Per INVITE:
 * 1. CallHook: POST of a body with the call-router's fields (callHookBody:
 *    domain, from, to, callId, sourceAddress, every header but credentials,
 *    source, refer, count) and its webhook poster's headers (webhook-id,
 *    webhook-timestamp, traceparent) over a keep-alive node:http Agent; the
 *    answer is JSON.parsed and the first verb's `connect` dest taken from it.
 * 2. Media through the media-controller over NATS with the shared MediaClient
 *    the call-router uses, with the call-router's requests: `offer`
 *    {callId, fromTag, sdp, callerCodecs, destCodecs, direct: false}, `answer`
 *    {callId, fromTag, toTag, sdp, direct: false}, `delete` {callId}.
 * 3. Status events: the 5 a `connect` answered and then hung up sends
 *    (connect:start, connect:trying, connect:answered, connect:hangup,
 *    connect:complete; envelopes and bodies as CallEvents builds them), each
 *    through publishStatusEvent over a StreamPublisher, as the call-router's
 *    status-event sink does: fire-and-forget for the call, the JetStream
 *    acknowledgement awaited by the publisher (a failure is counted).
 * 4. Live-call summary: the shared CallStore (StateStore on an auto-pipelined
 *    ioredis client, as the call-router builds it), one `put` once answered
 *    and one `remove` at the end.
 *
 * The call-router runs OpenTelemetry with unsampled spans: its CallHook
 * request and its envelopes carry the call's `traceparent`. The floor sends
 * one random `traceparent` per call in the same places, so the bytes on the
 * wire match, but runs no OpenTelemetry SDK (context manager, spans): that is
 * the call-router's observability cost, not I/O.
 *
 * SIGUSR2 prints `gc done <heapUsed bytes> live <calls> failed <publishes+stores>`
 * after a full GC (with --expose-gc), like the baseline.
 *
 * Bench use only. Self-contained (package imports only): the production mode
 * transpiles this one file into the packed tree (production.ts).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import type { CallHookRequest, StatusEnvelope, TrunkSource } from '@dragonpbx/shared/contracts';
import { connectNats, createSubjects, MediaClient, publishStatusEvent, StreamPublisher } from '@dragonpbx/shared/messaging';
import { connectSrf, type Dialog, parseSipUri, Srf } from '@dragonpbx/shared/srf';
import { type CallSummary, StateStore } from '@dragonpbx/shared/state';
import { Redis } from 'ioredis';
import pino from 'pino';

const [port = '9022', secret = 'cymru'] = process.argv.slice(2);
const env = (name: string): string => {
  const v = process.env[name];
  if (v === undefined) throw new Error(`floor-b2bua: ${name} is not set`);
  return v;
};
const CALL_HOOK = new URL(env('FLOOR_CALL_HOOK'));
const STATUS_HOOK = env('FLOOR_STATUS_HOOK');
const SOURCE = JSON.parse(env('FLOOR_SOURCE')) as TrunkSource;
const SUBJECT_PREFIX = process.env.NATS_SUBJECT_PREFIX ?? '';
const INSTANCE_ID = process.env.INSTANCE_ID ?? 'bench-floor';
/** The trunk's codecs: the call-router's media plan for a `sip` dest without codecs of its own. */
const CODECS = SOURCE.codecs ?? ['PCMU'];
/** The call-router's default call-summary TTL (callSummaryTtlSec). */
const SUMMARY_TTL_SEC = 7200;

const nc = await connectNats({ servers: env('NATS_URL'), name: `floor-${INSTANCE_ID}` });
// The call-router's MEDIA_TIMEOUT_MS default.
const media = new MediaClient({ subjects: createSubjects({ prefix: SUBJECT_PREFIX }), timeoutMs: 3000 }, { nc });
const publisher = new StreamPublisher(nc);
const redis = new Redis(env('REDIS_URL'), { enableAutoPipelining: true, maxRetriesPerRequest: 2 });
const calls = new StateStore({ keyPrefix: process.env.REDIS_KEY_PREFIX ?? '' }, { redis }).calls;
const agent = new Agent({ keepAlive: true });

let live = 0;
let failures = 0;
/** Status publishes and Redis writes that failed (they never fail the call, as in the call-router). */
let ioFailures = 0;
const ioFailed = (what: string) => (err: unknown) => {
  if (ioFailures++ < 5) process.stderr.write(`floor: ${what} failed: ${(err as Error)?.message ?? String(err)}\n`);
};

/** POSTs `body` as JSON and resolves with the parsed JSON answer (non-2xx rejects). */
function postJson(url: URL, body: unknown, traceparent: string): Promise<unknown> {
  const data = Buffer.from(JSON.stringify(body));
  const headers = {
    'content-type': 'application/json',
    'content-length': data.length,
    'user-agent': 'DragonPBX',
    'webhook-id': randomUUID(),
    'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
    traceparent,
  };
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers, timeout: 5000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) > 299) return reject(new Error(`CallHook answered ${res.statusCode}`));
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch (err) {
            reject(err);
          }
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('CallHook timed out')));
    req.on('error', reject);
    req.end(data);
  });
}

/** The first verb's `connect` dest (a `sip` one), as the CallHook answered it. */
function connectDest(script: unknown): { type: string; address: string } {
  const verb = Array.isArray(script) ? (script[0] as { verb?: unknown; dest?: unknown }) : undefined;
  const dest = verb?.verb === 'connect' ? (verb.dest as { type?: unknown; address?: unknown } | undefined) : undefined;
  if (dest?.type !== 'sip' || typeof dest.address !== 'string') throw new Error('the CallHook answered no sip connect');
  return { type: dest.type, address: dest.address };
}

const srf = new Srf();
srf.invite(async (req, res) => {
  const callId = req.get('Call-ID') ?? '';
  const fromTag = req.getParsedHeader('From').params.tag ?? '';
  const domain = (parseSipUri(req.uri)?.host ?? '').toLowerCase();
  const from = req.callingNumber;
  const to = req.calledNumber;
  const traceparent = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-00`;
  // CallEvents' envelope and body, one per event, seq from 1.
  let seq = 0;
  const emit = (event: string, extra: Record<string, unknown> = {}) => {
    const s = ++seq;
    const timestamp = new Date().toISOString();
    const envelope: StatusEnvelope = {
      id: randomUUID(),
      callId,
      seq: s,
      url: STATUS_HOOK,
      body: { callId, event, ...extra, seq: s, timestamp, domain },
      createdAt: timestamp,
      traceparent,
    };
    publishStatusEvent(publisher, envelope, { subjectPrefix: SUBJECT_PREFIX }).catch(ioFailed('status publish'));
  };
  const release = () => media.delete({ callId }).catch(() => undefined);
  let offered = false;
  try {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && name !== 'authorization' && name !== 'proxy-authorization') headers[name] = value;
    }
    const hookBody: CallHookRequest = { domain, from, to, callId, sourceAddress: req.source_address, headers, source: SOURCE, refer: false, count: 0 };
    const dest = connectDest(await postJson(CALL_HOOK, hookBody, traceparent));
    emit('connect:start');
    const offer = await media.offer({ callId, fromTag, sdp: req.body, callerCodecs: CODECS, destCodecs: CODECS, direct: false });
    offered = true;
    emit('connect:trying', { dest, index: 0 });
    const b: Dialog = await srf.createUAC(dest.address, { localSdp: offer.sdp, callingNumber: from });
    const answer = await media.answer({ callId, fromTag, toTag: b.sip.remoteTag, sdp: b.remote.sdp, direct: false });
    const a: Dialog = await srf.createUAS(req, res, { localSdp: answer.sdp });
    const startedAt = Date.now();
    const summary: CallSummary = {
      callId,
      instanceId: INSTANCE_ID,
      domain,
      from: from || 'anonymous',
      to: to || 'unknown',
      state: 'connected',
      startedAt,
      answeredAt: startedAt,
      extensions: [],
      extra: { caller: { trunk: SOURCE.id }, dialplanKey: '9*', endpointB: dest },
    };
    const stored = calls.put(summary, SUMMARY_TTL_SEC).catch(ioFailed('summary put'));
    emit('connect:answered', { dest, index: 0 });
    live++;
    let ended = false;
    const end = (other: Dialog, endedby: 'A' | 'B') => () => {
      if (ended) return;
      ended = true;
      live--;
      other.destroy().catch(() => undefined);
      emit('connect:hangup', { endedby });
      emit('connect:complete');
      void release();
      // After the put, so the removal can never be overtaken by it.
      void stored.then(() => calls.remove(callId, summary)).catch(ioFailed('summary remove'));
    };
    a.on('destroy', end(b, 'A'));
    b.on('destroy', end(a, 'B'));
  } catch (err) {
    // The first failures say why (hook, media-controller, callee timeout, …); the bench counts the rest.
    if (failures++ < 5) process.stderr.write(`floor: call failed: ${(err as Error).message}\n`);
    if (offered) void release();
    if (!res.finalResponseSent) res.send(500);
  }
});
const app = await connectSrf({ host: '127.0.0.1', port: Number(port), secret, srf }, pino({ level: 'warn' }));
process.stdout.write('floor ready\n');

const gc = (globalThis as { gc?: () => void }).gc;
process.on('SIGUSR2', () => {
  gc?.();
  process.stdout.write(`gc done ${process.memoryUsage().heapUsed} live ${live} failed ${ioFailures}\n`);
});
process.on('SIGTERM', () => {
  app.disconnect();
  publisher.close();
  agent.destroy();
  redis.disconnect();
  void nc.drain().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});
