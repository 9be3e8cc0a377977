import { randomBytes } from 'node:crypto';
import { headers as natsHeaders } from 'nats';
import { expect, it } from 'vitest';
import { request } from '../src/nats/request.js';
import { serve } from '../src/nats/serve.js';
import { createSubjects } from '../src/nats/subjects.js';
import { useNats } from './nats-fixture.js';

// This file starts no tracing, like a process with OpenTelemetry turned off:
// there is no trace context to carry, so requests carry no header block at all.

const nats = useNats();
const subjects = createSubjects({ prefix: `t${randomBytes(6).toString('hex')}` });

it('sends no header block when there is nothing to put in it, and the caller’s own headers when given', async () => {
  const subject = subjects.media('query');
  const sub = serve(nats.nc, subject, (_p, ctx) => ({ hasHeaders: ctx.headers !== undefined, tenant: ctx.headers?.get('x-tenant') ?? null }));
  try {
    await expect(request(nats.nc, subject, {})).resolves.toEqual({ hasHeaders: false, tenant: null });
    const h = natsHeaders();
    h.set('x-tenant', 'acme');
    await expect(request(nats.nc, subject, {}, { headers: h })).resolves.toEqual({ hasHeaders: true, tenant: 'acme' });
  } finally {
    sub.unsubscribe();
  }
});
