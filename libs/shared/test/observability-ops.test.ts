import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../src/observability/create-metrics.js';
import { type OpsServer, createOpsServer } from '../src/observability/create-ops-server.js';

const open: OpsServer[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function start(readiness: () => Promise<Record<string, boolean>>, readinessTimeoutMs?: number) {
  const metrics = createMetrics({ service: 'registrar' });
  const server = await createOpsServer({ registry: metrics.registry, readiness, host: '127.0.0.1', port: 0, ...(readinessTimeoutMs ? { readinessTimeoutMs } : {}) });
  open.push(server);
  return { metrics, base: `http://127.0.0.1:${server.port}` };
}

describe('ops server', () => {
  it('serves liveness, readiness and metrics', async () => {
    const { metrics, base } = await start(async () => ({ redis: true, nats: true }));
    const registrations = metrics.counter('registrations_total', 'REGISTER outcomes', ['result']);
    registrations.inc({ result: 'ok' }, 3);
    metrics.histogram('hook_duration_seconds', 'hook latency', ['hook']).observe({ hook: 'reg' }, 0.2);
    metrics.gauge('active_calls', 'calls in progress').set(7);

    const live = await fetch(`${base}/healthz`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });

    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { redis: true, nats: true } });

    const m = await fetch(`${base}/metrics`);
    expect(m.status).toBe(200);
    expect(m.headers.get('content-type')).toContain('text/plain');
    const text = await m.text();
    expect(text).toContain('dragon_registrations_total{result="ok",service="registrar"} 3');
    expect(text).toContain('dragon_hook_duration_seconds_bucket{le="0.25",service="registrar",hook="reg"} 1');
    expect(text).toContain('dragon_active_calls{service="registrar"} 7');
    expect(text).toContain('process_cpu_user_seconds_total'); // default metrics
  });

  it('answers 503 listing the failing dependencies', async () => {
    let redisUp = false;
    const { base } = await start(async () => ({ redis: redisUp, nats: true, sip: false }));
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ready: false, failing: ['redis', 'sip'], checks: { redis: false, nats: true, sip: false } });
    redisUp = true;
    expect(((await (await fetch(`${base}/readyz`)).json()) as { failing: string[] }).failing).toEqual(['sip']);
  });

  it('treats a throwing or hanging readiness check as not ready', async () => {
    const failing = await start(async () => {
      throw new Error('redis ECONNREFUSED');
    });
    const r1 = await fetch(`${failing.base}/readyz`);
    expect(r1.status).toBe(503);
    expect(await r1.json()).toMatchObject({ ready: false, failing: ['readiness'], error: 'redis ECONNREFUSED' });

    const hanging = await start(() => new Promise(() => {}), 100);
    const r2 = await fetch(`${hanging.base}/readyz`);
    expect(r2.status).toBe(503);
    expect(((await r2.json()) as { error: string }).error).toContain('100 ms');
    expect((await fetch(`${hanging.base}/healthz`)).status).toBe(200);
    expect((await fetch(`${hanging.base}/nope`)).status).toBe(404);
  });

  it('keeps registries apart and rejects a duplicate metric name', () => {
    const a = createMetrics({ service: 'a', defaultMetrics: false });
    const b = createMetrics({ service: 'b', defaultMetrics: false });
    a.counter('x_total', 'x');
    expect(() => b.counter('x_total', 'x')).not.toThrow();
    expect(() => a.counter('x_total', 'x')).toThrow(/already been registered/);
  });
});
