import { randomBytes } from 'node:crypto';
import { type NatsConnection, connect, headers as natsHeaders } from 'nats';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { request } from '../src/nats/request.js';
import { serve } from '../src/nats/serve.js';
import { createSubjects } from '../src/nats/subjects.js';

// This file starts no tracing, like a process with OpenTelemetry turned off:
// there is no trace context to carry, so requests carry no header block at all.

let nc: NatsConnection;
const subjects = createSubjects({ prefix: `t${randomBytes(6).toString('hex')}` });

beforeAll(async () => {
  nc = await connect({ servers: '127.0.0.1:4222' });
});
afterAll(async () => {
  await nc?.drain();
});

it('sends no header block when there is nothing to put in it, and the caller’s own headers when given', async () => {
  const subject = subjects.media('query');
  const sub = serve(nc, subject, (_p, ctx) => ({ hasHeaders: ctx.headers !== undefined, tenant: ctx.headers?.get('x-tenant') ?? null }));
  try {
    await expect(request(nc, subject, {})).resolves.toEqual({ hasHeaders: false, tenant: null });
    const h = natsHeaders();
    h.set('x-tenant', 'acme');
    await expect(request(nc, subject, {}, { headers: h })).resolves.toEqual({ hasHeaders: true, tenant: 'acme' });
  } finally {
    sub.unsubscribe();
  }
});
