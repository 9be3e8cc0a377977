import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SipServerMetrics } from './sip-server-metrics.js';

/** What `/healthz` reports. */
export interface HealthReport {
  /** `false` → HTTP 503. */
  readonly ok: boolean;
  readonly [detail: string]: unknown;
}

/** Options of {@link startOpsServer}. */
export interface OpsServerOptions {
  /** @defaultValue '0.0.0.0' */
  readonly host?: string;
  /** 0 → ephemeral (tests). */
  readonly port: number;
  readonly metrics: SipServerMetrics;
  /** @defaultValue always healthy */
  readonly health?: () => HealthReport;
}

/** A running ops listener. */
export interface OpsServer {
  /** The bound port (useful with port 0). */
  readonly port: number;
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

/**
 * Serves `GET /metrics` (Prometheus text) and `GET /healthz` (JSON, 200 or
 * 503). Any other path → 404, any other method → 405, both with a JSON body
 * `{code, message}` like the other services' HTTP errors.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const health = options.health ?? (() => ({ ok: true }));
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' && path !== '/healthz') {
      json(res, 404, { code: 'PBX_ERR_OPS_NOT_FOUND', message: `no route ${path}` });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      json(res, 405, { code: 'PBX_ERR_OPS_METHOD', message: `${req.method} not allowed on ${path}` });
      return;
    }
    if (path === '/healthz') {
      let report: HealthReport;
      try {
        report = health();
      } catch (err) {
        report = { ok: false, error: (err as Error).message };
      }
      json(res, report.ok ? 200 : 503, { status: report.ok ? 'ok' : 'unavailable', ...report });
      return;
    }
    const text = await options.metrics.render();
    res.writeHead(200, { 'content-type': options.metrics.registry.contentType });
    res.end(text);
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) json(res, 500, { code: 'PBX_ERR_OPS_INTERNAL', message: err.message });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
