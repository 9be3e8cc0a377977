import { randomBytes } from 'node:crypto';
import { ROOT_CONTEXT, TraceFlags, context, trace } from '@opentelemetry/api';
import { Type } from '@sinclair/typebox';
import { type NatsConnection, connect } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createError } from '../src/errors/create-error.js';
import { connectNats } from '../src/nats/connect-nats.js';
import { createJsonCodec } from '../src/nats/json-codec.js';
import { NatsRemoteError } from '../src/nats/nats-remote-error.js';
import { publish } from '../src/nats/publish.js';
import { request } from '../src/nats/request.js';
import { serve } from '../src/nats/serve.js';
import { createSubjects } from '../src/nats/subjects.js';
import { type Tracing, startTracing } from '../src/observability/start-tracing.js';
import { extractTraceContext } from '../src/nats/trace-headers.js';

const PBX_ERR_TEST_NATS_REFUSED = createError('PBX_ERR_TEST_NATS_REFUSED', 'refused %s', 409);

/** The rejection of a promise that must reject (a resolve fails the test). */
type PbxLike = Error & { code: string; remote: { code: string; message: string } };
const unexpected = (v: unknown): never => {
  throw new Error(`expected a rejection, got ${JSON.stringify(v)}`);
};

let nc: NatsConnection;
let tracing: Tracing;
const prefix = `t${randomBytes(6).toString('hex')}`;
const subjects = createSubjects({ prefix });

beforeAll(async () => {
  nc = await connect({ servers: '127.0.0.1:4222' });
  // As in a service: async context, W3C propagation, spans with ids (not exported).
  tracing = startTracing({ serviceName: 'nats-rpc-test', env: {} });
});

afterAll(async () => {
  await tracing?.shutdown();
  await nc?.drain();
});

describe('request / serve', () => {
  it('answers with the handler result and validates requests', async () => {
    const codec = createJsonCodec(Type.Object({ callId: Type.String() }));
    const sub = serve(nc, subjects.media('offer'), ({ callId }) => ({ sdp: `v=0 ${callId}` }), { codec, queue: 'media' });
    try {
      await expect(request(nc, subjects.media('offer'), { callId: 'c1' })).resolves.toEqual({ sdp: 'v=0 c1' });
      const bad = await request(nc, subjects.media('offer'), { callId: 42 }).then(unexpected, (e: PbxLike) => e);
      expect(bad).toBeInstanceOf(NatsRemoteError);
      expect(bad.code).toBe('PBX_ERR_NATS_REMOTE');
      expect(bad.remote.code).toBe('PBX_ERR_NATS_BAD_MESSAGE');
      expect(bad.remote.message).toContain('/callId');
      // garbage bytes: the service replies with an error and keeps serving
      const raw = await nc.request(subjects.media('offer'), new TextEncoder().encode('{oops'), { timeout: 2000 });
      expect(JSON.parse(new TextDecoder().decode(raw.data))).toMatchObject({
        ok: false,
        error: { code: 'PBX_ERR_NATS_BAD_MESSAGE' },
      });
      await expect(request(nc, subjects.media('offer'), { callId: 'c2' })).resolves.toEqual({ sdp: 'v=0 c2' });
    } finally {
      sub.unsubscribe();
    }
  });

  it('passes PbxError codes through and wraps other throws', async () => {
    const subject = subjects.calls('cr-1', 'hangup');
    const sub = serve(nc, subject, (p: { kind: string }) => {
      if (p.kind === 'pbx') throw new PBX_ERR_TEST_NATS_REFUSED('x');
      if (p.kind === 'type') throw new TypeError('boom');
      return Promise.reject('plain string');
    });
    try {
      const e1 = await request(nc, subject, { kind: 'pbx' }).then(unexpected, (e: PbxLike) => e);
      expect(e1.remote).toEqual({ code: 'PBX_ERR_TEST_NATS_REFUSED', message: 'refused x' });
      const e2 = await request(nc, subject, { kind: 'type' }).then(unexpected, (e: PbxLike) => e);
      expect(e2.remote.code).toBe('PBX_ERR_NATS_HANDLER_FAILED');
      expect(e2.remote.message).toContain('boom');
      const e3 = await request(nc, subject, { kind: 'other' }).then(unexpected, (e: PbxLike) => e);
      expect(e3.remote.message).toContain('plain string');
    } finally {
      sub.unsubscribe();
    }
  });

  it('fails fast with PBX_ERR_NATS_NO_RESPONDERS and times out with PBX_ERR_NATS_TIMEOUT', async () => {
    const nobody = await request(nc, subjects.media('play'), {}).then(unexpected, (e: PbxLike) => e);
    expect(nobody.code).toBe('PBX_ERR_NATS_NO_RESPONDERS');
    const slow = subjects.media('stop');
    const sub = serve(nc, slow, () => new Promise((r) => setTimeout(() => r('late'), 500)));
    try {
      const t0 = Date.now();
      const err = await request(nc, slow, {}, { timeoutMs: 100 }).then(unexpected, (e: PbxLike) => e);
      expect(err.code).toBe('PBX_ERR_NATS_TIMEOUT');
      expect(err.message).toContain('100 ms');
      expect(Date.now() - t0).toBeLessThan(450);
    } finally {
      sub.unsubscribe();
    }
  });

  it('matches each of many concurrent replies to its request, and fails what waits when the connection closes', async () => {
    const echo = `${prefix}.echo`;
    const sub = serve(nc, echo, ({ n }: { n: number }) => ({ n, twice: n * 2 }));
    const own = await connect({ servers: '127.0.0.1:4222' });
    try {
      await nc.flush();
      const replies = await Promise.all(Array.from({ length: 300 }, (_, n) => request(own, echo, { n })));
      expect(replies).toEqual(Array.from({ length: 300 }, (_, n) => ({ n, twice: n * 2 })));
      const silent = `${prefix}.silent`;
      const hold = own.subscribe(silent); // takes the request, never answers
      await own.flush();
      const waiting = request(own, silent, {}, { timeoutMs: 10_000 }).then(unexpected, (e: PbxLike) => e);
      await new Promise((r) => setTimeout(r, 50));
      hold.unsubscribe();
      await own.close();
      const err = await waiting;
      expect(err.code).toBe('PBX_ERR_NATS_REQUEST_FAILED');
      const after = await request(own, echo, { n: 1 }).then(unexpected, (e: PbxLike) => e);
      expect(after.code).toBe('PBX_ERR_NATS_REQUEST_FAILED');
    } finally {
      sub.unsubscribe();
      if (!own.isClosed()) await own.close();
    }
  });

  it('validates the result with resultCodec and rejects a non-envelope reply', async () => {
    const subject = subjects.media('dtmf');
    const sub = serve(nc, subject, () => ({ n: 'not a number' }));
    const raw = nc.subscribe(subjects.media('subscribe'), { callback: (_e, m) => m.respond(new TextEncoder().encode('[1]')) });
    try {
      const codec = createJsonCodec(Type.Object({ n: Type.Number() }));
      const e1 = await request(nc, subject, {}, { resultCodec: codec }).then(unexpected, (e: PbxLike) => e);
      expect(e1.code).toBe('PBX_ERR_NATS_BAD_MESSAGE');
      const e2 = await request(nc, subjects.media('subscribe'), {}).then(unexpected, (e: PbxLike) => e);
      expect(e2.code).toBe('PBX_ERR_NATS_BAD_MESSAGE');
      expect(e2.message).toContain('envelope');
    } finally {
      sub.unsubscribe();
      raw.unsubscribe();
    }
  });
});

describe('connectNats', () => {
  it('connects with the given name and splits a comma-separated NATS_URL', async () => {
    const own = await connectNats({ servers: ' 127.0.0.1:4222 ,nats://127.0.0.1:4222', name: 'connect-nats-test' });
    try {
      expect(own.info?.server_name).toBeDefined();
      const subject = subjects.media('query');
      const sub = serve(own, subject, () => 'pong');
      // The subscription is on another connection: the server must have it before nc's request.
      await own.flush();
      try {
        await expect(request(nc, subject, {})).resolves.toBe('pong');
      } finally {
        sub.unsubscribe();
      }
    } finally {
      await own.close();
    }
  });
});

describe('trace context in headers', () => {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true });

  it('injects traceparent on request and the handler runs inside the caller trace', async () => {
    const subject = subjects.media('answer');
    const sub = serve(nc, subject, (_p, ctx) => ({
      header: ctx.headers?.get('traceparent'),
      activeTraceId: trace.getSpanContext(context.active())?.traceId,
    }));
    try {
      const res = await context.with(parent, () => request<{ header: string; activeTraceId: string }>(nc, subject, {}));
      // no exporter here: the caller's own context travels, not a span nobody will see
      expect(res.header).toBe(`00-${traceId}-${spanId}-01`);
      expect(res.activeTraceId).toBe(traceId);
    } finally {
      sub.unsubscribe();
    }
  });

  it('injects on publish and extracts on receive', async () => {
    const subject = subjects.status('example.com', 'call-1');
    const got = new Promise<string | undefined>((resolve) => {
      const sub = nc.subscribe(subject, {
        max: 1,
        callback: (_e, m) => {
          resolve(trace.getSpanContext(extractTraceContext(m.headers, ROOT_CONTEXT))?.traceId);
          sub.unsubscribe();
        },
      });
    });
    await nc.flush();
    context.with(parent, () => publish(nc, subject, { event: 'call:start' }));
    expect(await got).toBe(traceId);
    expect(extractTraceContext(undefined, ROOT_CONTEXT)).toBe(ROOT_CONTEXT);
  });
});
