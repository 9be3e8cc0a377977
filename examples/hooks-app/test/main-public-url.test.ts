// The entry point: HOOKS_PUBLIC_URL is the address written into the dialplans the RegHook
// returns, so a PBX in another container or pod reaches the app even though it binds 0.0.0.0.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill('SIGTERM');
  child = undefined;
});

async function start(env: Record<string, string>): Promise<void> {
  child = spawn(process.execPath, ['--import', 'tsx', main], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hooks-app did not start: ${out}`)), 20_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      if (out.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child!.stdout!.on('data', onData);
    child!.stderr!.on('data', onData);
    child!.on('exit', (code) => reject(new Error(`hooks-app exited ${code}: ${out}`)));
  });
}

async function dialplan(port: number): Promise<Record<string, unknown>> {
  const d = { username: '1001', realm: 'pbx.test', nonce: 'n1', uri: 'sip:pbx.test', method: 'REGISTER', qop: 'auth', nc: '00000001', cnonce: 'c' };
  const response = md5(`${md5('1001:pbx.test:password1001')}:n1:00000001:c:auth:${md5('REGISTER:sip:pbx.test')}`);
  const res = await fetch(`http://127.0.0.1:${port}/reghook`, { method: 'POST', body: JSON.stringify({ ...d, response }) });
  const body = (await res.json()) as { status: string; dialplan: Record<string, unknown> };
  expect(body.status).toBe('ok');
  return body.dialplan;
}

describe('hooks-app entry point', () => {
  it('writes HOOKS_PUBLIC_URL into the RegHook dialplan', async () => {
    const port = await freePort();
    await start({ HOOKS_HOST: '127.0.0.1', HOOKS_PORT: String(port), HOOKS_PUBLIC_URL: 'http://dragonpbx-hooks-app:3000' });
    const plan = await dialplan(port);
    expect(plan['*']).toBe('http://dragonpbx-hooks-app:3000/callhook');
    expect(plan['10??']).toEqual({ callHook: 'http://dragonpbx-hooks-app:3000/callhook', statusHook: 'http://dragonpbx-hooks-app:3000/statushook' });
  });

  it('without it, uses its own bind address and port', async () => {
    const port = await freePort();
    await start({ HOOKS_HOST: '127.0.0.1', HOOKS_PORT: String(port), HOOKS_PUBLIC_URL: '' });
    expect((await dialplan(port))['*']).toBe(`http://127.0.0.1:${port}/callhook`);
  });
});
