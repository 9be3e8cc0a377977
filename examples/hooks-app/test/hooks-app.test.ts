import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHooksApp } from '../src/app.js';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

describe('sample hooks app', () => {
  const events: Record<string, unknown>[] = [];
  const server = createHooksApp({ onStatus: (e) => events.push(e) });
  let base = '';
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const post = async (path: string, body: unknown) => {
    const res = await fetch(base + path, { method: 'POST', body: JSON.stringify(body) });
    // biome-ignore lint/suspicious/noExplicitAny: test reads loosely shaped JSON
    return { status: res.status, body: (await res.json()) as any };
  };

  it('answers /healthz and /readyz with 200 (the stack waits for /readyz), other GETs with 405', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/reghook`)).status).toBe(405);
  });

  it('accepts a correct digest and hands out a dialplan', async () => {
    const d = { username: '1001', realm: 'pbx.test', nonce: 'n1', uri: 'sip:pbx.test', method: 'REGISTER', qop: 'auth', nc: '00000001', cnonce: 'c' };
    const ha1 = md5(`1001:pbx.test:password1001`);
    const response = md5(`${ha1}:n1:00000001:c:auth:${md5('REGISTER:sip:pbx.test')}`);
    const r = await post('/reghook', { ...d, response });
    expect(r.body.status).toBe('ok');
    expect(Object.keys(r.body.dialplan)).toContain('10??');
  });

  it('refuses a wrong digest with status fail', async () => {
    const r = await post('/reghook', { username: '1001', realm: 'x', nonce: 'n', uri: 'u', method: 'REGISTER', response: 'bad' });
    expect(r.body.status).toBe('fail');
  });

  it('connects internal numbers and rejects others', async () => {
    expect((await post('/callhook', { to: '1002' })).body[0]).toMatchObject({ verb: 'connect' });
    expect((await post('/callhook', { to: '999' })).body.at(-1)).toMatchObject({ verb: 'response', code: 404 });
  });

  it('records status events and answers 400 to a body that is not JSON', async () => {
    await post('/statushook', { callId: 'c1', event: 'connect:start' });
    expect(events).toContainEqual({ callId: 'c1', event: 'connect:start' });
    const res = await fetch(`${base}/callhook`, { method: 'POST', body: '{nope' });
    expect(res.status).toBe(400);
  });
});
