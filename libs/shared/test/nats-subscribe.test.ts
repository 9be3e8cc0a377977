import { randomBytes } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { type NatsConnection, connect } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJsonCodec } from '../src/nats/json-codec.js';
import { publish } from '../src/nats/publish.js';
import { subscribeJson } from '../src/nats/subscribe-json.js';
import { createSubjects } from '../src/nats/subjects.js';

let nc: NatsConnection;
const subjects = createSubjects({ prefix: `t${randomBytes(6).toString('hex')}` });

beforeAll(async () => {
  nc = await connect({ servers: '127.0.0.1:4222' });
});
afterAll(async () => {
  await nc?.drain();
});

describe('subscribeJson', () => {
  it('delivers valid events and logs, then skips, malformed ones and handler failures', async () => {
    const codec = createJsonCodec(Type.Object({ aor: Type.String(), expires: Type.Integer() }));
    const got: unknown[] = [];
    const warnings: { code: string }[] = [];
    const logger = {
      warn: (obj: { code: string }) => void warnings.push(obj),
      error: () => {},
    };
    const subject = subjects.registrations('example.com');
    const sub = subscribeJson(
      nc,
      subject,
      (ev) => {
        if (ev.aor === 'boom') throw new Error('handler bug');
        got.push(ev);
      },
      { codec, logger },
    );
    await nc.flush();
    publish(nc, subject, { aor: 'alice', expires: 60 });
    nc.publish(subject, new TextEncoder().encode('not json'));
    publish(nc, subject, { aor: 'bob' }); // fails the schema
    publish(nc, subject, { aor: 'boom', expires: 1 });
    publish(nc, subject, { aor: 'carol', expires: 0 });
    await nc.flush();
    const end = Date.now() + 2000;
    while (got.length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    sub.unsubscribe();
    expect(got).toEqual([
      { aor: 'alice', expires: 60 },
      { aor: 'carol', expires: 0 },
    ]);
    expect(warnings.map((w) => w.code).sort()).toEqual([
      'PBX_ERR_NATS_BAD_MESSAGE',
      'PBX_ERR_NATS_BAD_MESSAGE',
      'PBX_ERR_NATS_HANDLER_FAILED',
    ]);
  });

  it('shares events across a queue group', async () => {
    const subject = subjects.registrations('q.example');
    const a: unknown[] = [];
    const b: unknown[] = [];
    const s1 = subscribeJson(nc, subject, (e) => void a.push(e), { queue: 'registrar' });
    const s2 = subscribeJson(nc, subject, (e) => void b.push(e), { queue: 'registrar' });
    await nc.flush();
    for (let i = 0; i < 20; i++) publish(nc, subject, { i });
    await nc.flush();
    const end = Date.now() + 2000;
    while (a.length + b.length < 20 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    s1.unsubscribe();
    s2.unsubscribe();
    expect(a.length + b.length).toBe(20);
  });
});
