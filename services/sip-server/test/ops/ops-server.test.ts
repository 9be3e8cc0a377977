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
    const snap: MetricsSnapshot = {
      applications: 2,
      dialogs: 5,
      requestsIn: 10,
      connections: 1,
      tcpMessageTimeouts: 3,
      tcpConnectionsRefused: 4,
      adminAuthTimeouts: 5,
      adminPreAuthRejects: 6,
    };
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
    expect(text).toMatch(/^sip_tcp_message_timeouts_total 3$/m);
    expect(text).toMatch(/^sip_tcp_connections_refused_total 4$/m);
    expect(text).toMatch(/^drachtio_admin_auth_timeouts_total 5$/m);
    expect(text).toMatch(/^drachtio_admin_preauth_rejects_total 6$/m);
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

  it('answers /healthz while running and /readyz 200 or 503 with the failing check', async () => {
    let started = true;
    const metrics = new SipServerMetrics({ source: () => ({}), processMetrics: false });
    ops = await startOpsServer({ host: '127.0.0.1', port: 0, metrics, readiness: () => ({ 'sip-server': started }) });
    expect(await (await fetch(`${base()}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base()}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { 'sip-server': true } });
    started = false;
    const notReady = await fetch(`${base()}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ ready: false, failing: ['sip-server'] });
  });

  it('answers an unknown path 404', async () => {
    const metrics = new SipServerMetrics({ source: () => ({}), processMetrics: false });
    ops = await startOpsServer({ host: '127.0.0.1', port: 0, metrics });
    expect((await fetch(`${base()}/nope`)).status).toBe(404);
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
