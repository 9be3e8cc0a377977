import { verifyWebhook } from '@dragonpbx/shared/webhooks';
import { describe, expect, it } from 'vitest';
import { buildAdminServer } from '../src/http/admin-server.js';
import { publishStatusEvent } from '@dragonpbx/shared/messaging';
import { useDispatcher } from './helpers/dispatcher-fixture.js';
import { envelope, SECRET, waitFor } from './helpers/infra.js';
import type { Answer, Received } from './helpers/receiver.js';

describe('retries, dead-letter list and replay', () => {
  const t = useDispatcher({ options: { maxAttempts: 5 } });
  const { iso, receiver } = t;
  const plans = new Map<string, (nth: number, req: Received) => Answer>();
  receiver.behaviour = (req) => {
    const plan = plans.get(String(req.body.callId));
    const nth = receiver.received.filter((r) => r.id === req.id).length;
    return plan ? plan(nth, req) : { status: 200 };
  };

  const forCall = (callId: string) => receiver.received.filter((r) => r.body.callId === callId);
  const gaps = (rs: Received[]) => rs.slice(1).map((r, i) => r.at - rs[i]!.at);
  const publish = (e: ReturnType<typeof envelope>) =>
    publishStatusEvent(t.nats.jetstream(), e, { subjectPrefix: iso.subjectPrefix });

  it('retries 500s with growing delays, same webhook-id, fresh valid signature each time', async () => {
    plans.set('r500', (nth) => ({ status: nth <= 3 ? 500 : 200 }));
    const e = envelope(receiver.url(), 'r500', 1);
    await publish(e);
    await waitFor(() => forCall('r500').length === 4);
    const rs = forCall('r500');
    expect(new Set(rs.map((r) => r.id))).toEqual(new Set([e.id]));
    for (const r of rs) expect(verifyWebhook(SECRET, r.headers, r.raw).id).toBe(e.id);
    const [g1, g2, g3] = gaps(rs) as [number, number, number];
    // Equal-jitter bounds with base 200 ms: [100,200], [200,400], [400,800] (+ scheduling slack).
    expect(g1).toBeGreaterThanOrEqual(95);
    expect(g2).toBeGreaterThanOrEqual(195);
    expect(g3).toBeGreaterThanOrEqual(395);
    expect(g3).toBeGreaterThan(g1);
  });

  it('honours Retry-After on 429 and retries timeouts', async () => {
    plans.set('r429', (nth) => (nth === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 204 }));
    plans.set('rslow', (nth) => (nth === 1 ? { status: 200, delayMs: 1500 } : { status: 200 }));
    await publish(envelope(receiver.url(), 'r429', 1));
    await publish(envelope(receiver.url(), 'rslow', 1));
    await waitFor(() => forCall('r429').length === 2 && forCall('rslow').length === 2);
    expect(gaps(forCall('r429'))[0]).toBeGreaterThanOrEqual(990);
    const metrics = await t.deps.registry.getSingleMetricAsString('dragon_hook_failed_attempts_total');
    expect(metrics).toMatch(/reason="timeout"\} [1-9]/);
    expect(metrics).toMatch(/reason="http_429"\} 1/);
    const latency = await t.deps.registry.getSingleMetricAsString('dragon_hook_request_seconds');
    expect(latency).toMatch(/dragon_hook_request_seconds_count\{hook="statushook",outcome="timeout"\} [1-9]/);
    expect(latency).toMatch(/dragon_hook_request_seconds_count\{hook="statushook",outcome="http-error"\} [1-9]/);
  });

  it('dead-letters a 400 at once, then delivers the call’s next event', async () => {
    plans.set('r400', (nth, req) => ({ status: nth === 1 && req.body.seq === 1 ? 400 : 200 }));
    const bad = envelope(receiver.url(), 'r400', 1);
    const next = envelope(receiver.url(), 'r400', 2);
    await publish(bad);
    await publish(next);
    await waitFor(() => receiver.ids().has(next.id));
    expect(forCall('r400').map((r) => r.id)).toEqual([bad.id, next.id]);
    const entry = await t.dispatcher.deadLetters.get(bad.id);
    expect(entry).toMatchObject({ attempts: 1, reason: 'http_400', status: 400, replays: 0 });
    expect(entry.envelope).toEqual(bad);
  });

  it('dead-letters after the last attempt of a failing receiver', async () => {
    plans.set('r503', () => ({ status: 503 }));
    const e = envelope(receiver.url(), 'r503', 1);
    await publish(e);
    await waitFor(async () => (await t.dispatcher.deadLetters.ids()).includes(e.id), 25_000);
    expect(forCall('r503')).toHaveLength(5);
    expect(await t.dispatcher.deadLetters.get(e.id)).toMatchObject({ attempts: 5, reason: 'http_503' });
  });

  it('lists and replays dead letters over REST with the same webhook-id', async () => {
    const app = buildAdminServer(t.dispatcher, t.deps.registry, { apiToken: 'tok' });
    const auth = { authorization: 'Bearer tok' };
    expect((await app.inject({ url: '/deadletters' })).json()).toMatchObject({ code: 'PBX_ERR_HOOK_UNAUTHORIZED' });
    const list = await app.inject({ url: '/deadletters', headers: auth });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((i: { reason: string; envelope: { callId: string } }) => `${i.envelope.callId}:${i.reason}`).sort()).toEqual(['r400:http_400', 'r503:http_503']);
    expect((await app.inject({ url: '/deadletters?limit=0', headers: auth })).json()).toMatchObject({
      code: 'PBX_ERR_HOOK_BAD_REQUEST',
    });
    expect((await app.inject({ url: '/deadletters/no-such', headers: auth })).statusCode).toBe(404);
    expect((await app.inject({ url: '/deadletters/a:b', headers: auth })).statusCode).toBe(400);

    const [first] = list.json().items as { envelope: { id: string; callId: string } }[];
    plans.set(first!.envelope.callId, () => ({ status: 200 }));
    const before = receiver.received.filter((r) => r.id === first!.envelope.id).length;
    const replay = await app.inject({ method: 'POST', url: `/deadletters/${first!.envelope.id}/replay`, headers: auth });
    expect(replay.statusCode).toBe(202);
    await waitFor(async () => !(await t.dispatcher.deadLetters.ids()).includes(first!.envelope.id));
    const got = receiver.received.filter((r) => r.id === first!.envelope.id);
    expect(got.length).toBe(before + 1);
    expect(verifyWebhook(SECRET, got.at(-1)!.headers, got.at(-1)!.raw).id).toBe(first!.envelope.id);

    const del = await app.inject({ method: 'DELETE', url: '/deadletters/no-such', headers: auth });
    expect(del.json()).toMatchObject({ code: 'PBX_ERR_HOOK_DEAD_LETTER_NOT_FOUND' });
    for (const call of plans.keys()) plans.set(call, () => ({ status: 200 }));
    const all = await app.inject({ method: 'POST', url: '/deadletters/replay', headers: auth });
    expect(all.json()).toEqual({ replayed: 1 });
    await waitFor(async () => (await t.dispatcher.deadLetters.count()) === 0);
    await app.close();
  });

  it('counts an attempt made inline after the previous event toward the limit, and keeps order', async () => {
    plans.set('rchain', (_nth, req) => ({ status: req.body.seq === 2 ? 503 : 200 }));
    const [e1, e2, e3] = [1, 2, 3].map((n) => envelope(receiver.url(), 'rchain', n));
    for (const e of [e1!, e2!, e3!]) await publish(e);
    await waitFor(() => receiver.ids().has(e3!.id), 25_000);
    const ids = forCall('rchain').map((r) => r.id);
    expect(ids).toEqual([e1!.id, e2!.id, e2!.id, e2!.id, e2!.id, e2!.id, e3!.id]);
    expect(await t.dispatcher.deadLetters.get(e2!.id)).toMatchObject({ attempts: 5, reason: 'http_503' });
  });
});
