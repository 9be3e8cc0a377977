import { afterEach, describe, expect, it } from 'vitest';
import type { MetricsSnapshot } from '../../src/ops/metrics-source.js';
import { type OpsServer, startOpsServer } from '../../src/ops/ops-server.js';
import { SipServerMetrics } from '../../src/ops/sip-server-metrics.js';

let ops: OpsServer | undefined;
afterEach(async () => {
  await ops?.close();
  ops = undefined;
});

const base = () => `http://127.0.0.1:${ops!.port}`;

describe('ops server', () => {
  it('serves snapshot gauges, delta counters, labelled counters and process metrics', async () => {
    const snap: MetricsSnapshot = { applications: 2, dialogs: 5, requestsIn: 10, connections: 1 };
    const metrics = new SipServerMetrics({ source: () => snap });
    metrics.observeMessage('in', 'INVITE');
    metrics.observeMessage('out', 'INVITE', 200);
    metrics.observeMessage('in', 'FOO');
    metrics.observeAdminFrame('in', 'authenticate');
    metrics.observePolicy({ kind: 'spammer', method: 'INVITE', header: 'user-agent', value: 'x', candidate: 'x' });
    ops = await startOpsServer({ host: '127.0.0.1', port: 0, metrics });

    const res = await fetch(`${base()}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^drachtio_app_connections 2$/m);
    expect(text).toMatch(/^sip_dialogs_alive 5$/m);
    expect(text).toMatch(/^sip_tcp_connections 1$/m);
    expect(text).toMatch(/^sip_requests_received_total 10$/m);
    expect(text).toMatch(/^sip_messages_total\{direction="out",method="INVITE",status="200"\} 1$/m);
    expect(text).toMatch(/^sip_messages_total\{direction="in",method="other",status=""\} 1$/m);
    expect(text).toMatch(/^drachtio_admin_frames_total\{direction="in",type="authenticate"\} 1$/m);
    expect(text).toMatch(/^sip_policy_decisions_total\{decision="spammer"\} 1$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);

    // Totals follow the source monotonically across scrapes.
    snap.requestsIn = 25;
    snap.dialogs = 0;
    await new Promise((r) => setTimeout(r, 60));
    const again = await (await fetch(`${base()}/metrics`)).text();
    expect(again).toMatch(/^sip_requests_received_total 25$/m);
    expect(again).toMatch(/^sip_dialogs_alive 0$/m);
  });

  it('reports health as 200 or 503 with details', async () => {
    let ok = true;
    const metrics = new SipServerMetrics({ source: () => ({}), processMetrics: false });
    ops = await startOpsServer({ host: '127.0.0.1', port: 0, metrics, health: () => ({ ok, started: ok }) });
    const good = await fetch(`${base()}/healthz`);
    expect(good.status).toBe(200);
    expect(await good.json()).toEqual({ status: 'ok', ok: true, started: true });
    ok = false;
    const bad = await fetch(`${base()}/healthz`);
    expect(bad.status).toBe(503);
    expect(await bad.json()).toMatchObject({ status: 'unavailable', ok: false });
  });

  it('answers unknown paths 404 and other methods 405 with a JSON error', async () => {
    const metrics = new SipServerMetrics({ source: () => ({}), processMetrics: false });
    ops = await startOpsServer({
      host: '127.0.0.1',
      port: 0,
      metrics,
      health: () => {
        throw new Error('probe failed');
      },
    });
    const nf = await fetch(`${base()}/nope`);
    expect(nf.status).toBe(404);
    expect(await nf.json()).toMatchObject({ code: 'PBX_ERR_OPS_NOT_FOUND' });
    const na = await fetch(`${base()}/metrics`, { method: 'POST' });
    expect(na.status).toBe(405);
    expect(await na.json()).toMatchObject({ code: 'PBX_ERR_OPS_METHOD' });
    const h = await fetch(`${base()}/healthz`);
    expect(h.status).toBe(503);
    expect(await h.json()).toMatchObject({ ok: false, error: 'probe failed' });
  });

  it('survives a throwing metrics source', async () => {
    const metrics = new SipServerMetrics({
      source: () => {
        throw new Error('x');
      },
      processMetrics: false,
    });
    ops = await startOpsServer({ host: '127.0.0.1', port: 0, metrics });
    const res = await fetch(`${base()}/metrics`);
    expect(res.status).toBe(200);
  });

  it('fails to start on a port in use', async () => {
    const metrics = new SipServerMetrics({ source: () => ({}), processMetrics: false });
    ops = await startOpsServer({ host: '127.0.0.1', port: 0, metrics });
    await expect(startOpsServer({ host: '127.0.0.1', port: ops.port, metrics })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });
});
