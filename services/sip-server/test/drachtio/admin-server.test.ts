import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AdminConnection } from '../../src/drachtio/admin-connection.js';
import { AdminServer } from '../../src/drachtio/admin-server.js';
import type { AppFrame } from '../../src/drachtio/app-frame.js';
import { RawAdminClient } from './raw-admin-client.js';
import { connectSrf, newSrf } from './srf-app.js';

describe('AdminServer (drachtio application protocol, inbound)', () => {
  let server: AdminServer;
  let port: number;
  const appFrames: Array<{ conn: AdminConnection; frame: AppFrame }> = [];
  const clients: RawAdminClient[] = [];
  const open = async () => {
    const c = await RawAdminClient.open(port);
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    appFrames.length = 0;
    server = new AdminServer({
      address: '127.0.0.1',
      port: 0,
      secret: 'sekret',
      hostports: () => 'udp/127.0.0.1:5060,tcp/127.0.0.1:5060',
      localHostports: () => 'udp/127.0.0.1:5060,tcp/127.0.0.1:5060',
      onAppFrame: (conn, frame) => {
        if (frame.tokens[2] === 'boom') throw new Error('handler failed');
        appFrames.push({ conn, frame });
      },
    });
    port = (await server.listen()).port;
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await server.close();
  });

  it('authenticates with the secret and answers OK|hostports|version|localHostports', async () => {
    const c = await open();
    const r = await c.authenticate('sekret', 'tag1,tag2');
    expect(r.tokens.slice(1, 4)).toEqual(['response', r.tokens[2], 'OK']);
    expect(r.tokens[4]).toBe('udp/127.0.0.1:5060,tcp/127.0.0.1:5060');
    expect(r.tokens[5]).toMatch(/^v\d+\.\d+\.\d+/);
    expect(r.tokens[6]).toBe('udp/127.0.0.1:5060,tcp/127.0.0.1:5060');
    expect([...server.connections][0]?.tags).toEqual(['tag1', 'tag2']);
  });

  it('answers NO|incorrect secret to a wrong secret and closes the connection', async () => {
    const c = await open();
    const r = await c.authenticate('wrong');
    expect(r.tokens.slice(3)).toEqual(['NO', 'incorrect secret']);
    await c.waitClosed();
  });

  it('refuses frames before authentication and closes', async () => {
    const c = await open();
    const r = await c.reply(c.send('route|invite'));
    expect(r.tokens[3]).toBe('NO');
    await c.waitClosed();
    expect(server.routes.connections('invite')).toHaveLength(0);
  });

  it('accepts cdr routes like any verb', async () => {
    const c = await open();
    await c.authenticate('sekret');
    const r = await c.reply(c.send('route|cdr:start'));
    expect(r.tokens[3]).toBe('OK');
    expect(server.routes.connections('cdr:start')).toHaveLength(1);
  });

  it('answers ping with OK|pong', async () => {
    const c = await open();
    await c.authenticate('sekret');
    const r = await c.reply(c.send('ping'));
    expect(r.tokens.slice(3)).toEqual(['OK', 'pong']);
  });

  it('routes case-insensitively, de-duplicates, round-robins per method and honours remove_route', async () => {
    const a = await open();
    const b = await open();
    await a.authenticate('sekret');
    await b.authenticate('sekret');
    expect((await a.reply(a.send('route|invite'))).tokens[3]).toBe('OK');
    await a.reply(a.send('route|INVITE'));
    await b.reply(b.send('route|invite'));
    await b.reply(b.send('route|register'));
    const [ca, cb] = server.routes.connections('invite');
    const picks = [1, 2, 3, 4].map(() => server.routes.select('INVITE'));
    expect(picks).toEqual([ca, cb, ca, cb]);
    expect(server.routes.select('register')).toBe(cb);
    expect((await b.reply(b.send('remove_route|invite'))).tokens[3]).toBe('OK');
    expect([server.routes.select('invite'), server.routes.select('invite')]).toEqual([ca, ca]);
    expect(server.routes.select('register')).toBe(cb);
    expect(server.routes.select('options')).toBeUndefined();
  });

  it('drops a closed connection from every route immediately', async () => {
    const a = await open();
    await a.authenticate('sekret');
    await a.reply(a.send('route|invite'));
    a.close();
    for (let i = 0; i < 100 && server.connections.size > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(server.connections.size).toBe(0);
    expect(server.routes.select('invite')).toBeUndefined();
  });

  it('closes only the connection that sent a malformed length prefix', async () => {
    const bad = await open();
    const good = await open();
    await bad.authenticate('sekret');
    await good.authenticate('sekret');
    bad.writeRaw('12x#hello');
    await bad.waitClosed();
    const r = await good.reply(good.send('ping'));
    expect(r.tokens[4]).toBe('pong');
  });

  it('answers NO|Unknown message type to an unknown frame type and closes', async () => {
    const c = await open();
    await c.authenticate('sekret');
    const r = await c.reply(c.send('frobnicate|x'));
    expect(r.tokens.slice(3)).toEqual(['NO', 'Unknown message type']);
    await c.waitClosed();
  });

  it('accepts frames split across writes inside the length digits', async () => {
    const c = await open();
    await c.authenticate('sekret');
    const payload = Buffer.from('abcd-1|ping');
    const wire = Buffer.concat([Buffer.from(`${payload.length}#`), payload]);
    c.writeRaw(wire.subarray(0, 1));
    await new Promise((r) => setTimeout(r, 20));
    c.writeRaw(wire.subarray(1, 5));
    await new Promise((r) => setTimeout(r, 20));
    c.writeRaw(wire.subarray(5));
    expect((await c.reply('abcd-1')).tokens[4]).toBe('pong');
  });

  it('passes sip/proxy frames to the handler and answers NOK when the handler throws', async () => {
    const c = await open();
    await c.authenticate('sekret');
    c.send('sip||', 'OPTIONS sip:x@y SIP/2.0\r\n\r\n');
    const id = c.send('sip|boom|');
    const r = await c.reply(id);
    expect(r.tokens.slice(3)).toEqual(['NOK', 'handler failed']);
    expect(appFrames).toHaveLength(1);
    expect(appFrames[0]?.frame.sip?.toString()).toBe('OPTIONS sip:x@y SIP/2.0\r\n\r\n');
  });

  it('lets a real drachtio-srf application connect, authenticate and route its verbs', async () => {
    const srf = newSrf();
    try {
      srf.invite(() => {});
      srf.register(() => {});
      const [hostport, version] = await connectSrf(srf, port, 'sekret');
      expect(hostport).toBe('udp/127.0.0.1:5060,tcp/127.0.0.1:5060');
      expect(version).toBe('v0.9.10');
      for (let i = 0; i < 100 && server.routes.connections('register').length === 0; i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(server.routes.connections('invite')).toHaveLength(1);
      expect(server.routes.connections('register')).toHaveLength(1);
    } finally {
      srf.disconnect();
    }
  });

  it('rejects a drachtio-srf application with the wrong secret', async () => {
    const srf = newSrf();
    try {
      await expect(connectSrf(srf, port, 'nope')).rejects.toThrow(/failed to authenticate/);
    } finally {
      srf.disconnect();
    }
  });
});
