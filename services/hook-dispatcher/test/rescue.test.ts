import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { publishStatusEvent } from '@dragonpbx/shared/messaging';
import { CallSequencer } from '../src/sequencer/call-sequencer.js';
import { useDispatcher } from './helpers/dispatcher-fixture.js';
import { envelope, waitFor } from './helpers/infra.js';

describe('a call job that fails internally on every attempt', () => {
  const logs: { code?: string; msg?: string }[] = [];
  const t = useDispatcher({
    options: { maxAttempts: 1 },
    logger: pino({ level: 'error' }, { write: (line: string) => logs.push(JSON.parse(line)) }),
  });
  const { iso, receiver } = t;

  it('is dropped with a coded log line and the call’s next event is still delivered', async () => {
    // seq 1 is staged with an unreadable envelope, as a corrupted Redis value would be.
    const sequencer = new CallSequencer(t.redis, { keyPrefix: iso.keyPrefix!, reorderWindowMs: 500, ttlSec: 60 });
    const d = await sequencer.stage('corrupt-call', 'broken1', 1, '{not json');
    expect(d).toMatchObject({ action: 'add', id: 'broken1' });
    if (d.action !== 'add') throw new Error('unreachable');
    await t.dispatcher.queue.addCall('corrupt-call', d.id, d.gen);
    const next = envelope(receiver.url(), 'corrupt-call', 2);
    await publishStatusEvent(t.nats.jetstream(), next, { subjectPrefix: iso.subjectPrefix });

    await waitFor(() => receiver.ids().has(next.id), 25_000);
    expect(receiver.received.map((r) => r.id)).toEqual([next.id]);
    expect(logs.some((l) => l.code === 'PBX_ERR_HOOK_STATE_CORRUPT' && l.msg === 'event dropped')).toBe(true);
  });
});
