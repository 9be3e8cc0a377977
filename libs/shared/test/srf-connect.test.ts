import { randomUUID } from 'node:crypto';
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectSrf } from '../src/srf/connect-srf.js';
import { Srf, SrfSipErrorClass, isSrfSipError, parseSipUri } from '../src/srf/srf.js';

/**
 * A tiny drachtio admin server: `<len>#<payload>` framing (drachtio-protocol.md §1),
 * answers `authenticate`, `route` and `ping` (§2).
 */
class FakeDrachtio {
  readonly frames: string[] = [];
  readonly sockets = new Set<Socket>();
  connections = 0;
  private server: Server;

  constructor(private readonly secret: string) {
    this.server = createServer((socket) => this.onSocket(socket));
  }

  async listen(): Promise<number> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return (this.server.address() as AddressInfo).port;
  }

  /** Sends a new incoming request to every connected app (drachtio-protocol.md §3.6). */
  injectRequest(txnId: string, raw: string): void {
    const bytes = Buffer.byteLength(raw, 'utf8');
    const leader = `${randomUUID()}|sip|network|${bytes}|udp|10.1.2.3|5062|12:00:00.000000|${txnId}||127.0.0.1|5060|`;
    const payload = `${leader}\r\n${raw}`;
    for (const s of this.sockets) s.write(`${Buffer.byteLength(payload, 'utf8')}#${payload}`);
  }

  dropAll(): void {
    for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise((r) => this.server.close(r));
  }

  private onSocket(socket: Socket): void {
    this.connections++;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const hash = buf.indexOf('#');
        if (hash < 0) return;
        const len = Number(buf.subarray(0, hash).toString('ascii'));
        if (!Number.isInteger(len) || len <= 0) return void socket.destroy();
        if (buf.length < hash + 1 + len) return;
        const payload = buf.subarray(hash + 1, hash + 1 + len).toString('utf8');
        buf = buf.subarray(hash + 1 + len);
        this.onFrame(socket, payload);
      }
    });
  }

  private onFrame(socket: Socket, payload: string): void {
    this.frames.push(payload);
    const [id, type, ...rest] = payload.split('|');
    const send = (s: string) => socket.write(`${Buffer.byteLength(s, 'utf8')}#${s}`);
    if (type === 'authenticate') {
      if (rest[0] === this.secret) send(`${randomUUID()}|response|${id}|OK|udp/127.0.0.1:5060,tcp/127.0.0.1:5060|v0.9.10|`);
      else {
        send(`${randomUUID()}|response|${id}|NO|incorrect secret`);
        socket.end();
      }
    } else if (type === 'route') send(`${randomUUID()}|response|${id}|OK`);
    else if (type === 'ping') send(`${randomUUID()}|response|${id}|OK|pong`);
  }
}

function memoryLogger() {
  const lines: { level: string; msg: string; obj: unknown }[] = [];
  const at = (level: string) => (obj: unknown, msg?: string) => void lines.push({ level, msg: msg ?? String(obj), obj });
  return { lines, logger: { info: at('info'), warn: at('warn'), error: at('error') } };
}

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function fakeServer(secret = 'cymru') {
  const fake = new FakeDrachtio(secret);
  const port = await fake.listen();
  cleanup.push(() => fake.close());
  return { fake, port };
}

const waitFor = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('connectSrf', () => {
  it('resolves once authenticated and routes the registered methods', async () => {
    const { fake, port } = await fakeServer();
    const srf = new Srf();
    srf.invite((_req, res) => res.send(486));
    srf.register((_req, res) => res.send(403));
    const { logger, lines } = memoryLogger();
    const conn = await connectSrf({ host: '127.0.0.1', port, secret: 'cymru', srf }, logger);
    cleanup.push(() => conn.disconnect());
    expect(conn.srf).toBe(srf);
    expect(conn.hostports).toEqual(['udp/127.0.0.1:5060', 'tcp/127.0.0.1:5060']);
    expect(conn.serverVersion).toBe('v0.9.10');
    expect(fake.frames[0]).toMatch(/^[^|]+\|authenticate\|cymru\|$/);
    await waitFor(() => fake.frames.some((f) => f.endsWith('|route|invite')) && fake.frames.some((f) => f.endsWith('|route|register')));
    expect(lines.find((l) => l.msg === 'connected to drachtio server')).toBeDefined();
  });

  it('rejects a wrong secret with PBX_ERR_SRF_AUTH and stops retrying', async () => {
    const { fake, port } = await fakeServer('right');
    const { logger } = memoryLogger();
    const err = await connectSrf({ host: '127.0.0.1', port, secret: 'wrong', timeoutMs: 5000 }, logger).then(
      () => undefined,
      (e: Error & { code: string }) => e,
    );
    expect(err?.code).toBe('PBX_ERR_SRF_AUTH');
    expect(err?.message).toContain(`127.0.0.1:${port}`);
    await new Promise((r) => setTimeout(r, 600)); // drachtio-srf's first retry would come after 255 ms
    expect(fake.connections).toBe(1);
  });

  it('rejects with PBX_ERR_SRF_CONNECT_TIMEOUT naming the last error when nobody listens', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const { logger } = memoryLogger();
    const t0 = Date.now();
    const err = await connectSrf({ host: '127.0.0.1', port, secret: 'x', timeoutMs: 400 }, logger).then(
      () => undefined,
      (e: Error & { code: string }) => e,
    );
    expect(err?.code).toBe('PBX_ERR_SRF_CONNECT_TIMEOUT');
    expect(err?.message).toContain('ECONNREFUSED');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(390);
  });

  it('waits for a server that starts late', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const { logger } = memoryLogger();
    const pending = connectSrf({ host: '127.0.0.1', port, secret: 'cymru', timeoutMs: 5000 }, logger);
    await new Promise((r) => setTimeout(r, 300));
    const fake = new FakeDrachtio('cymru');
    await new Promise<void>((r) => (fake as unknown as { server: Server }).server.listen(port, '127.0.0.1', r));
    cleanup.push(() => fake.close());
    const conn = await pending;
    cleanup.push(() => conn.disconnect());
    expect(conn.serverVersion).toBe('v0.9.10');
  });

  it('logs a lost connection, the retries and the recovery', async () => {
    const { fake, port } = await fakeServer();
    const { logger, lines } = memoryLogger();
    const conn = await connectSrf({ host: '127.0.0.1', port, secret: 'cymru' }, logger);
    cleanup.push(() => conn.disconnect());
    fake.dropAll();
    await waitFor(() => lines.some((l) => l.msg === 'reconnected to drachtio server'));
    expect(lines.some((l) => l.level === 'warn' && l.msg === 'drachtio connection lost')).toBe(true);
    expect(lines.some((l) => l.level === 'warn' && l.msg === 'reconnecting to drachtio server')).toBe(true);
    expect(fake.connections).toBe(2);
  });

  it('connected() follows the connection: false while it is lost, true again after the reconnect', async () => {
    const { fake, port } = await fakeServer();
    const { logger } = memoryLogger();
    const conn = await connectSrf({ host: '127.0.0.1', port, secret: 'cymru' }, logger);
    cleanup.push(() => conn.disconnect());
    expect(conn.connected()).toBe(true);
    fake.dropAll();
    await waitFor(() => !conn.connected());
    await waitFor(() => conn.connected());
    conn.disconnect();
    await waitFor(() => !conn.connected());
  });

  it('rejects bad options with PBX_ERR_SRF_OPTIONS', async () => {
    const { logger } = memoryLogger();
    await expect(connectSrf({ host: '', port: 9022, secret: 's' }, logger)).rejects.toMatchObject({ code: 'PBX_ERR_SRF_OPTIONS' });
    await expect(connectSrf({ host: 'h', port: 70000, secret: 's' }, logger)).rejects.toMatchObject({ code: 'PBX_ERR_SRF_OPTIONS' });
    await expect(connectSrf({ host: 'h', port: 9022, secret: '' }, logger)).rejects.toThrow(/empty secret/);
  });
});

const INVITE = [
  'INVITE sip:bob@example.com SIP/2.0',
  'Via: SIP/2.0/UDP 10.1.2.3:5062;branch=z9hG4bK-1',
  'From: "Alice" <sip:alice@example.com>;tag=a1',
  'To: <sip:bob@example.com>',
  'Call-ID: facade-call-1@10.1.2.3',
  'CSeq: 1 INVITE',
  'Contact: <sip:alice@10.1.2.3:5062>',
  'Content-Type: application/sdp',
  'Content-Length: 4',
  '',
  'v=0\n',
].join('\r\n');

describe('typed drachtio-srf facade', () => {
  it('hands a typed request/response to an invite handler and sends the response frame', async () => {
    const { fake, port } = await fakeServer();
    const srf = new Srf();
    const seen = new Promise<Record<string, unknown>>((resolve) => {
      srf.invite((req, res) => {
        const from = req.getParsedHeader('From');
        res.on('end', ({ status, reason }) => resolve({ status, reason, method: req.method, uri: req.uri, callId: req.callId, resCallId: res.callId, calling: req.callingNumber, called: req.calledNumber, fromUri: from.uri, fromHeader: req.get('From'), hasContact: req.has('Contact'), addr: req.source_address, port: req.source_port, protocol: req.protocol, body: req.body }));
        res.send(486, 'Busy Here', { headers: { 'X-Reason': 'facade test' } });
      });
    });
    const { logger } = memoryLogger();
    const conn = await connectSrf({ host: '127.0.0.1', port, secret: 'cymru', srf }, logger);
    cleanup.push(() => conn.disconnect());
    await waitFor(() => fake.frames.some((f) => f.endsWith('|route|invite')));
    fake.injectRequest('txn-42', INVITE);
    expect(await seen).toEqual({
      status: 486,
      reason: 'Busy Here',
      method: 'INVITE',
      uri: 'sip:bob@example.com',
      callId: 'facade-call-1@10.1.2.3',
      resCallId: 'facade-call-1@10.1.2.3',
      calling: 'alice',
      called: 'bob',
      fromUri: 'sip:alice@example.com',
      fromHeader: '"Alice" <sip:alice@example.com>;tag=a1',
      hasContact: true,
      addr: '10.1.2.3',
      port: 5062,
      protocol: 'udp',
      body: 'v=0\n',
    });
    await waitFor(() => fake.frames.some((f) => f.includes('|sip|txn-42|')));
    const frame = fake.frames.find((f) => f.includes('|sip|txn-42|')) ?? '';
    expect(frame).toContain('\r\nSIP/2.0 486 Busy Here\r\n');
    expect(frame).toMatch(/X-Reason: facade test/);
  });

  it('exposes SipError detection and URI parsing', () => {
    const e = new SrfSipErrorClass(486, 'Busy Here');
    expect(isSrfSipError(e)).toBe(true);
    expect(e.status).toBe(486);
    expect(isSrfSipError(new Error('x'))).toBe(false);
    expect(parseSipUri('sip:alice@example.com:5070;transport=tcp')).toMatchObject({
      scheme: 'sip',
      user: 'alice',
      host: 'example.com',
      port: 5070,
      params: { transport: 'tcp' },
    });
  });
});
