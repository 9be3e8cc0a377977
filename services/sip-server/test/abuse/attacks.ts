/**
 * The hostile clients of the abuse suite. Each returns what it observed so
 * tests can assert outcomes and the benchmark can report them.
 */
import { createSocket } from 'node:dgram';
import { type Socket, connect } from 'node:net';
import { mutate, prng } from './mutate.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Answers by class (`1xx` … `6xx`) to what was sent. */
export interface FuzzResult {
  sent: number;
  answers: Record<string, number>;
  /** Answers by exact status. */
  statuses: Record<number, number>;
}

/**
 * Sends `count` mutated copies of the templates over UDP, paced in small
 * bursts, and counts the answers that come back to the sending socket.
 */
export async function fuzzUdp(o: { host: string; port: number; count: number; seed: number; templates: readonly Buffer[] }): Promise<FuzzResult> {
  const sock = createSocket('udp4');
  const answers: Record<string, number> = {};
  const statuses: Record<number, number> = {};
  sock.on('message', (buf) => {
    const m = /^SIP\/2\.0 (([1-6])\d\d)/.exec(buf.toString('latin1', 0, 16));
    if (!m) return;
    answers[`${m[2]}xx`] = (answers[`${m[2]}xx`] ?? 0) + 1;
    statuses[Number(m[1])] = (statuses[Number(m[1])] ?? 0) + 1;
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const rnd = prng(o.seed);
  let sent = 0;
  for (let i = 0; i < o.count; i++) {
    const base = o.templates[i % o.templates.length] as Buffer;
    const msg = i < o.templates.length ? base : mutate(base, rnd);
    await new Promise<void>((r) => sock.send(msg.subarray(0, 65_000), o.port, o.host, () => r()));
    sent++;
    if (i % 50 === 49) await sleep(5);
  }
  await sleep(500);
  sock.close();
  return { sent, answers, statuses };
}

/** One TCP client's fate: when (ms after it connected) the server closed it, and how much it wrote. */
export interface ClientFate {
  closedAfterMs: number | undefined;
  bytesWritten: number;
}

function open(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Waits for `s` to close (or `timeoutMs`), returning how long after `t0` it closed. */
function closedAfter(s: Socket, t0: number, timeoutMs: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    if (s.destroyed) return resolve(Date.now() - t0);
    const timer = setTimeout(() => resolve(undefined), timeoutMs);
    s.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - t0);
    });
  });
}

/**
 * Clients that announce a `frameBytes` frame on the application port without
 * authenticating and push it as fast as the server reads it.
 */
export async function appPortFlood(o: { host: string; port: number; clients: number; frameBytes: number; timeoutMs: number }): Promise<ClientFate[]> {
  return Promise.all(
    Array.from({ length: o.clients }, async () => {
      const s = await open(o.host, o.port);
      s.on('error', () => {});
      const t0 = Date.now();
      const fate: ClientFate = { closedAfterMs: undefined, bytesWritten: 0 };
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const closed = closedAfter(s, t0, o.timeoutMs);
      s.write(`${o.frameBytes}#`);
      (async () => {
        while (!s.destroyed && fate.bytesWritten < o.frameBytes) {
          fate.bytesWritten += chunk.length;
          if (!s.write(chunk)) await new Promise((r) => s.once('drain', r).once('close', r));
        }
      })().catch(() => {});
      fate.closedAfterMs = await closed;
      s.destroy();
      return fate;
    }),
  );
}

/** Connections to the application port that never send a byte. */
export async function silentAppConnections(o: { host: string; port: number; count: number; timeoutMs: number }): Promise<ClientFate[]> {
  return Promise.all(
    Array.from({ length: o.count }, async () => {
      const s = await open(o.host, o.port);
      s.on('error', () => {});
      const closedAfterMs = await closedAfter(s, Date.now(), o.timeoutMs);
      s.destroy();
      return { closedAfterMs, bytesWritten: 0 };
    }),
  );
}

/** SIP TCP clients trickling a REGISTER header section, one byte every `intervalMs`. */
export async function slowSenders(o: { host: string; port: number; count: number; intervalMs: number; timeoutMs: number }): Promise<ClientFate[]> {
  return Promise.all(
    Array.from({ length: o.count }, async (_, n) => {
      const s = await open(o.host, o.port);
      s.on('error', () => {});
      const text = `REGISTER sip:slow.test SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bKslow${n}\r\n${'X-Pad: slow\r\n'.repeat(200)}`;
      const fate: ClientFate = { closedAfterMs: undefined, bytesWritten: 0 };
      const t0 = Date.now();
      const timer = setInterval(() => {
        if (s.destroyed || fate.bytesWritten >= text.length) return;
        s.write(text[fate.bytesWritten++] as string);
      }, o.intervalMs);
      fate.closedAfterMs = await closedAfter(s, t0, o.timeoutMs);
      clearInterval(timer);
      s.destroy();
      return fate;
    }),
  );
}
