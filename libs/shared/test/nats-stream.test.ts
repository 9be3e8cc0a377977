import { randomBytes } from 'node:crypto';
import { type JetStreamManager, type NatsConnection, connect, nanos } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureStream } from '../src/nats/ensure-stream.js';
import { publishDurable } from '../src/nats/publish.js';
import { createSubjects } from '../src/nats/subjects.js';

/** The rejection of a promise that must reject (a resolve fails the test). */
type PbxLike = Error & { code: string; remote: { code: string; message: string } };
const unexpected = (v: unknown): never => {
  throw new Error(`expected a rejection, got ${JSON.stringify(v)}`);
};

let nc: NatsConnection;
let jsm: JetStreamManager;
const id = randomBytes(6).toString('hex');
const subjects = createSubjects({ prefix: `t${id}` });
const name = `T_STATUS_${id}`;
const other = `T_OTHER_${id}`;

beforeAll(async () => {
  nc = await connect({ servers: '127.0.0.1:4222' });
  jsm = await nc.jetstreamManager();
});

afterAll(async () => {
  for (const s of [name, other]) await jsm.streams.delete(s).catch(() => undefined);
  await nc?.drain();
});

describe('ensureStream', () => {
  it('creates, is idempotent, and updates a changed limit', async () => {
    const opts = { name, subjects: [subjects.statusAll()], storage: 'memory' as const, limits: { maxAgeMs: 60_000 } };
    const first = await ensureStream(jsm, opts);
    expect(first.outcome).toBe('created');
    expect(first.info.config.max_age).toBe(nanos(60_000));
    expect((await ensureStream(jsm, opts)).outcome).toBe('unchanged');
    const changed = await ensureStream(jsm, { ...opts, limits: { maxAgeMs: 120_000, maxMsgs: 1000 } });
    expect(changed.outcome).toBe('updated');
    expect(changed.info.config.max_age).toBe(nanos(120_000));
    expect(changed.info.config.max_msgs).toBe(1000);
    expect(changed.info.config.discard).toBe('old');
    // A stream that must not lose messages refuses new ones when full instead.
    const strict = await ensureStream(jsm, { ...opts, limits: { maxAgeMs: 120_000, maxMsgs: 1000 }, discard: 'new' });
    expect(strict.outcome).toBe('updated');
    expect(strict.info.config.discard).toBe('new');
  });

  it('stores durable publishes and de-duplicates by msgId', async () => {
    const subject = subjects.status('example.com', 'c-1');
    const a = await publishDurable(nc.jetstream(), subject, { seq: 1 }, { msgId: 'evt-1' });
    const b = await publishDurable(nc.jetstream(), subject, { seq: 1 }, { msgId: 'evt-1' });
    expect(a.stream).toBe(name);
    expect(b.duplicate).toBe(true);
    const msg = await jsm.streams.getMessage(name, { seq: a.seq });
    expect(msg.json()).toEqual({ seq: 1 });
  });

  it('reports a stream JetStream refuses with PBX_ERR_NATS_STREAM', async () => {
    // overlapping subjects with the stream above
    const err = await ensureStream(jsm, { name: other, subjects: [subjects.statusAll()], storage: 'memory' }).then(unexpected, (e: PbxLike) => e);
    expect(err.code).toBe('PBX_ERR_NATS_STREAM');
    expect(err.message).toContain(other);
  });
});
