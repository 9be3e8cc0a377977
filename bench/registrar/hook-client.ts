/**
 * RegHook client cost: CPU time per POST through the shared webhook client
 * (got, signing off, tracing API without an SDK) against the same POST made
 * with plain node:http on a keep-alive agent. The hook server runs in a child
 * process, so only the client side is measured.
 *
 *   node --import tsx bench/registrar/hook-client.ts [--requests 20000] [--concurrency 20]
 *
 * Every authenticated REGISTER makes one such POST, so the difference is a
 * floor on what the got-based client adds to the registrar's CPU per registration.
 */
import { fork } from 'node:child_process';
import { Agent, createServer, request } from 'node:http';
import { createWebhookClient } from '@dragonpbx/shared/webhooks';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1] ?? fallback) : fallback;
};
const ANSWER = '{"status":"ok","expires":300,"maxClients":1,"codecs":["PCMU"]}';

if (process.argv[2] === 'server') {
  const hook = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(ANSWER);
    });
  });
  hook.listen(0, '127.0.0.1', () => process.send?.((hook.address() as { port: number }).port));
} else {
  const total = arg('requests', 20_000);
  const concurrency = arg('concurrency', 20);
  const child = fork(new URL(import.meta.url).pathname, ['server'], { execArgv: ['--import', 'tsx'] });
  const port = await new Promise<number>((r) => child.once('message', (m) => r(m as number)));
  const url = `http://127.0.0.1:${port}/reghook`;
  // The body of a RegHook call (docs/contract.md §3.1) with typical field sizes.
  const body = {
    username: '2000', realm: 'bench.test', nonce: 'n'.repeat(64), uri: 'sip:bench.test', response: 'r'.repeat(32),
    method: 'REGISTER', source_address: '127.0.0.1', source_port: 5060, expires: 300, scheme: 'digest',
    algorithm: 'MD5', qop: 'auth', nc: '00000001', cnonce: 'c'.repeat(16),
  };
  const client = createWebhookClient({ timeoutMs: 3000, maxFreeSockets: 256 });
  const agent = new Agent({ keepAlive: true, maxFreeSockets: 256 });
  const plain = () =>
    new Promise<void>((resolve, reject) => {
      const text = JSON.stringify(body);
      const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } }, (res) => {
        let answer = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          answer += d;
        });
        res.on('end', () => {
          JSON.parse(answer);
          resolve();
        });
      });
      req.on('error', reject);
      req.end(text);
    });
  const shared = async () => {
    const r = await client.post(url, body, { timeoutMs: 3000 });
    if (!r.ok) throw new Error(r.message);
  };
  const run = async (name: string, post: () => Promise<void>) => {
    const batch = () => Promise.all(Array.from({ length: concurrency }, post));
    for (let i = 0; i < 2000; i += concurrency) await batch(); // JIT warm-up
    const before = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < total; i += concurrency) await batch();
    const used = process.cpuUsage(before);
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(`${name}: ${((used.user + used.system) / total).toFixed(0)} µs CPU per POST (${(total / seconds).toFixed(0)} POST/s)\n`);
  };
  for (let round = 0; round < 2; round++) {
    await run('node:http        ', plain);
    await run('webhook client   ', shared);
  }
  client.close();
  agent.destroy();
  child.kill();
}
