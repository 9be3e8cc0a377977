import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdminServer, PRE_AUTH_MAX_FRAME_BYTES } from '../../src/drachtio/admin-server.js';
import { encodeFrame } from '../../src/drachtio/frame-encoder.js';
import { RawAdminClient } from './raw-admin-client.js';

// The application port before authentication: a small frame limit (an `authenticate` frame is
// ~100 bytes) and a deadline to authenticate, so an unauthenticated peer can neither make the
// server buffer megabytes nor hold a connection open forever.
describe('AdminServer before authentication', () => {
  let server: AdminServer;
  let port: number;
  const errors: string[] = [];
  const clients: RawAdminClient[] = [];
  const open = async () => {
    const c = await RawAdminClient.open(port);
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    errors.length = 0;
    server = new AdminServer({
      address: '127.0.0.1',
      port: 0,
      secret: 'sekret',
      authTimeoutMs: 400,
      hostports: () => 'udp/127.0.0.1:5060',
      localHostports: () => 'udp/127.0.0.1:5060',
      onAppFrame: () => {},
      onProtocolError: (_conn, err) => errors.push((err as { code?: string }).code ?? err.message),
    });
    port = (await server.listen()).port;
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await server.close();
  });

  it('closes a connection that announces a frame over the pre-authentication limit, without reading it', async () => {
    const c = await open();
    // Only the length prefix is sent: the server must not wait for 16 MB to refuse it.
    c.writeRaw(`${16 * 1024 * 1024}#`);
    await c.waitClosed();
    expect(errors).toEqual(['PBX_ERR_DRACHTIO_FRAMING']);
    expect(server.rejections.preAuthFraming).toBe(1);
    expect(server.connections.size).toBe(0);
  });

  it('accepts a frame at the limit before authentication (and answers it NO)', async () => {
    const c = await open();
    const body = `x|route|${'a'.repeat(PRE_AUTH_MAX_FRAME_BYTES - 8)}`;
    expect(Buffer.byteLength(body)).toBe(PRE_AUTH_MAX_FRAME_BYTES);
    c.writeRaw(encodeFrame(body));
    const r = await c.reply('x');
    expect(r.tokens.slice(3)).toEqual(['NO', 'authentication required']);
  });

  it('closes a silent unauthenticated connection after the deadline', async () => {
    const c = await open();
    const t0 = Date.now();
    await c.waitClosed(3000);
    // A generous functional window around the 400 ms deadline, not a timing assertion.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
    expect(errors).toEqual(['PBX_ERR_DRACHTIO_AUTH_TIMEOUT']);
    expect(server.rejections.authTimeout).toBe(1);
  });

  it('keeps an authenticated connection past the deadline and lifts the frame limit for it', async () => {
    const c = await open();
    await c.authenticate('sekret');
    await new Promise((r) => setTimeout(r, 700));
    expect(c.closed).toBe(false);
    const big = `y|ping|${'p'.repeat(64 * 1024)}`;
    c.writeRaw(encodeFrame(big));
    const r = await c.reply('y');
    expect(r.tokens.slice(3)).toEqual(['OK', 'pong']);
    expect(server.rejections.authTimeout).toBe(0);
  });

  it('applies the lifted limit to a frame that follows authenticate in the same write', async () => {
    const c = await open();
    const auth = encodeFrame('a1|authenticate|sekret|');
    const big = encodeFrame(`p1|ping|${'q'.repeat(3 * PRE_AUTH_MAX_FRAME_BYTES)}`);
    c.writeRaw(Buffer.concat([auth, big]));
    expect((await c.reply('a1')).tokens[3]).toBe('OK');
    expect((await c.reply('p1')).tokens.slice(3)).toEqual(['OK', 'pong']);
  });
});
