/**
 * Heap held per finished UDP server transaction during Timer J/L, measured
 * in one process (independent of CPU load): a SipStack with default timers
 * (64×T1 = 32 s) receives N SIPp-like INVITEs and N BYEs over UDP, answers
 * each 200 (INVITE → accepted, BYE → completed), then the heap after a
 * forced full GC is compared with the one before (V8 heapUsed, and the
 * ArrayBuffer memory outside it: response bytes); the difference over the
 * transactions held is what each finished transaction keeps until Timer J/L.
 *
 *   node --expose-gc --import tsx bench/sip-server/txn-bytes.ts [--n 20000] [--tree <repo root>]
 *
 * `--tree` loads the stack from another checkout (e.g. an older commit
 * extracted with git archive, with a node_modules symlink) for an A/B.
 * Nothing listens above the stack: this is the transaction layer alone (the
 * full path through an app is bench/sip-server/run.ts).
 */
import { createSocket } from 'node:dgram';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const N = Number(args.get('n') ?? 20_000);
const TREE = args.get('tree') ?? fileURLToPath(new URL('../../', import.meta.url));
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const src = (p: string) => pathToFileURL(`${TREE}/services/sip-server/src/${p}`).href;
const { SipStack } = await import(src('sip-stack.ts'));
const { makeResponse } = await import(src('sip/make-response.ts'));

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const stack = new SipStack({ contacts: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }], logger: quiet, autoTrying: true });
await stack.start();
const port: number = stack.localContacts()[0].port;
// biome-ignore lint/suspicious/noExplicitAny: loaded from another tree
stack.on('request', (req: any, txn: any) => txn.respond(makeResponse(req, 200, 'OK', { toTag: req.method === 'INVITE' ? `t${req.callId}` : true })));

const peer = createSocket('udp4');
peer.on('message', () => {});
await new Promise<void>((r) => peer.bind(0, '127.0.0.1', r));
peer.setRecvBufferSize(4 * 1024 * 1024);
const me = peer.address().port;

const sdp = 'v=0\r\no=sipp 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';
const msg = (method: string, i: number) => {
  const body = method === 'INVITE' ? sdp : '';
  return [
    `${method} sip:service@127.0.0.1:${port} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${me};branch=z9hG4bK-bench-${i}-${method === 'INVITE' ? 0 : 7}`,
    `From: sipp <sip:sipp@127.0.0.1:${me}>;tag=${i}SIPpTag00${i}`,
    `To: service <sip:service@127.0.0.1:${port}>${method === 'INVITE' ? '' : `;tag=t${i}-bench@127.0.0.1`}`,
    `Call-ID: ${i}-bench@127.0.0.1`,
    `CSeq: ${method === 'INVITE' ? 1 : 2} ${method}`,
    `Contact: sip:sipp@127.0.0.1:${me}`,
    'Max-Forwards: 70',
    'Subject: Performance Test',
    ...(body ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${body.length}`,
    '',
    body,
  ].join('\r\n');
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const heap = async () => {
  await sleep(50);
  gc();
  await sleep(50);
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, ab: m.arrayBuffers };
};

const before = await heap();
const t0 = process.cpuUsage();
for (let i = 0; i < N; i += 50) {
  for (let j = i; j < Math.min(N, i + 50); j++) {
    peer.send(msg('INVITE', j), port, '127.0.0.1');
    peer.send(msg('BYE', j), port, '127.0.0.1');
  }
  await sleep(10);
}
for (let k = 0; k < 200 && stack.stats().requestsIn < 2 * N; k++) await sleep(20);
const cpu = process.cpuUsage(t0);
const s = stack.stats();
const after = await heap();
const held = s.serverTransactions;
process.stdout.write(
  `${TREE}: ${s.requestsIn} requests in, ${held} server transactions held` +
    `${s.serverTransactionRecords !== undefined ? ` (${s.serverTransactionRecords} as compact records)` : ''}; ` +
    `heap after forced GC ${(before.heap / 1048576).toFixed(1)} → ${(after.heap / 1048576).toFixed(1)} MB: ` +
    `${Math.round((after.heap - before.heap) / Math.max(1, held))} bytes of V8 heap + ` +
    `${Math.round((after.ab - before.ab) / Math.max(1, held))} bytes of ArrayBuffer memory per finished transaction; ` +
    `CPU ${((cpu.user + cpu.system) / 1000 / Math.max(1, s.requestsIn)).toFixed(3)} ms per request (stack and sender in one process)\n`,
);
peer.close();
await stack.stop();
