import { randomBytes } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { createJsonCodec } from '../src/nats/json-codec.js';
import { publish } from '../src/nats/publish.js';
import { subscribeJson } from '../src/nats/subscribe-json.js';
import { createSubjects } from '../src/nats/subjects.js';
import { useNats } from './nats-fixture.js';

const nats = useNats();
const subjects = createSubjects({ prefix: `t${randomBytes(6).toString('hex')}` });

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
      nats.nc,
      subject,
      (ev) => {
        if (ev.aor === 'boom') throw new Error('handler bug');
        got.push(ev);
      },
      { codec, logger },
    );
    await nats.nc.flush();
    publish(nats.nc, subject, { aor: 'alice', expires: 60 });
    nats.nc.publish(subject, new TextEncoder().encode('not json'));
    publish(nats.nc, subject, { aor: 'bob' }); // fails the schema
    publish(nats.nc, subject, { aor: 'boom', expires: 1 });
    publish(nats.nc, subject, { aor: 'carol', expires: 0 });
    await nats.nc.flush();
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
    const s1 = subscribeJson(nats.nc, subject, (e) => void a.push(e), { queue: 'registrar' });
    const s2 = subscribeJson(nats.nc, subject, (e) => void b.push(e), { queue: 'registrar' });
    await nats.nc.flush();
    for (let i = 0; i < 20; i++) publish(nats.nc, subject, { i });
    await nats.nc.flush();
    const end = Date.now() + 2000;
    while (a.length + b.length < 20 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    s1.unsubscribe();
    s2.unsubscribe();
    expect(a.length + b.length).toBe(20);
  });
});
