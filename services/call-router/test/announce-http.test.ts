import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HookServer } from '@dragonpbx/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpMediaCache } from '../src/verbs/announce/http-media-cache.js';
import { MediaFileError } from '../src/verbs/announce/media-file.js';
import { DOMAIN, type Harness, startHarness, until } from './helpers/harness.js';
import { describeSipp, runSipp } from './helpers/sipp.js';

// http(s) announcements: downloaded once from a real HTTP server, converted by
// the real ffmpeg to 8 kHz mono WAV, then played by RTPEngine as early media.
const SIP = 29031;
const PHONE = 29032;
const work = mkdtempSync(join(tmpdir(), 'call-router-http-media-'));
const source = join(work, 'source.wav');
let server: Server;
let base: string;
const hits = new Map<string, number>();

beforeAll(async () => {
  // 16 kHz stereo, 0.8 s: the cache must turn it into 8 kHz mono.
  execFileSync('sox', ['-n', '-r', '16000', '-c', '2', '-b', '16', source, 'synth', '0.8', 'sine', '700']);
  const wav = readFileSync(source);
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path.startsWith('/tone.wav') || path.startsWith('/slowish.wav')) {
      const delay = path.startsWith('/slowish') ? 200 : 0;
      setTimeout(() => res.writeHead(200, { 'Content-Type': 'audio/wav' }).end(wav), delay);
    } else if (path === '/text.wav') res.writeHead(200).end('this is not audio at all');
    else if (path === '/huge.wav') {
      // No Content-Length: the limit must cut the stream itself.
      res.writeHead(200, { 'Content-Type': 'audio/wav' });
      const chunk = Buffer.alloc(64 * 1024, 1);
      const pump = () => {
        while (res.write(chunk)) if (res.writableLength > 4 * 1024 * 1024) break;
      };
      res.on('drain', pump);
      pump();
      req.on('close', () => res.destroy());
    } else if (path === '/hang.wav') {
      res.writeHead(200);
      res.write('RIFF');
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(work, { recursive: true, force: true });
});

/** Sample rate and channel count of a canonical WAV header. */
function wavFormat(file: string): { rate: number; channels: number } {
  const b = readFileSync(file);
  expect(b.subarray(0, 4).toString()).toBe('RIFF');
  return { rate: b.readUInt32LE(24), channels: b.readUInt16LE(22) };
}

async function failure(p: Promise<unknown>): Promise<MediaFileError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MediaFileError);
  return err as MediaFileError;
}

describe('HttpMediaCache', () => {
  it('downloads once, converts to 8 kHz mono, and shares one download between concurrent calls', async () => {
    const cache = new HttpMediaCache({ dir: join(work, 'c1') });
    const url = `${base}/slowish.wav?v=1`;
    const [a, b] = await Promise.all([cache.fetch(url), cache.fetch(url)]);
    expect(a).toBe(b);
    expect(wavFormat(a)).toEqual({ rate: 8000, channels: 1 });
    expect(await cache.fetch(url)).toBe(a);
    expect(hits.get('/slowish.wav?v=1')).toBe(1);
    // A new cache on the same directory (a restarted replica) finds the file too.
    expect(await new HttpMediaCache({ dir: join(work, 'c1') }).fetch(url)).toBe(a);
    expect(hits.get('/slowish.wav?v=1')).toBe(1);
    expect(readdirSync(join(work, 'c1'))).toEqual([a.split('/').at(-1)]);
  });

  it('refuses what cannot be played, caches no failure and leaves no partial file', async () => {
    const dir = join(work, 'c2');
    const cache = new HttpMediaCache({ dir, maxBytes: 1024 * 1024, timeoutMs: 1500 });
    expect(await failure(cache.fetch(`${base}/missing.wav`))).toMatchObject({ status: 502, message: 'download failed: HTTP 404' });
    expect(await failure(cache.fetch(`${base}/text.wav`))).toMatchObject({ status: 415, message: 'cannot convert: not an audio file' });
    expect(await failure(cache.fetch(`${base}/huge.wav`))).toMatchObject({ status: 413, message: 'download refused: larger than 1048576 bytes' });
    expect(await failure(cache.fetch(`${base}/hang.wav`))).toMatchObject({ status: 504, message: 'download timed out' });
    expect(await failure(cache.fetch('http://127.0.0.1:1/nothing.wav'))).toMatchObject({ status: 502 });
    await cache.fetch(`${base}/missing.wav`).catch(() => undefined);
    expect(hits.get('/missing.wav')).toBe(2);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('names a missing converter', async () => {
    const cache = new HttpMediaCache({ dir: join(work, 'c3'), ffmpeg: '/nonexistent/ffmpeg' });
    expect(await failure(cache.fetch(`${base}/tone.wav?c3`))).toMatchObject({ status: 500, message: 'cannot convert: ffmpeg is not installed' });
  });
});

describe('announce with an http URL, through the stack', () => {
  let h: Harness;
  const config = (hook: HookServer) => ({
    domains: {
      [DOMAIN]: {
        domain_id: 1,
        clients: [{ id: 1, username: '1000', password: 'pw1000', codecs: ['PCMU'], dialplan: { '5*': { callHook: hook.url('/call'), statusHook: hook.url('/status') } } }],
        trunks: [],
      },
    },
  });

  beforeAll(async () => {
    h = await startHarness(SIP, config, { mediaPath: join(work, 'media'), mediaCachePath: join(work, 'cache') }, { media: true });
    const reg = await runSipp({ scenario: 'uac-register.xml', target: `127.0.0.1:${SIP}`, port: PHONE, keys: { domain: DOMAIN, user: '1000' }, vars: { user: '1000', password: 'pw1000' } });
    expect(reg.code, describeSipp(reg)).toBe(0);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const caller = (vars: Record<string, string>) =>
    runSipp({ scenario: 'uac-early-media.xml', target: `127.0.0.1:${SIP}`, port: PHONE, keys: { domain: DOMAIN, from: '1000', to: '5000' }, vars: { from: '1000', password: 'pw1000', ...vars } });
  const lastCallId = () => String(h.hook.callsTo('/call').at(-1)?.body.callId);

  it('plays the downloaded file as early media for its whole length, twice from one download', async () => {
    const url = `${base}/tone.wav?stack`;
    h.hook.json('/call', [{ verb: 'announce', url }, { verb: 'response', code: 486, reason: 'After Announce' }]);
    for (let i = 0; i < 2; i++) {
      const a = await caller({ final: '486', check: 'After Announce' });
      const callId = lastCallId();
      expect(a.code, `${describeSipp(a)}\nevents: ${JSON.stringify(h.eventsOf(callId))}`).toBe(0);
      await until(() => h.eventsOf(callId).some((e) => e.event === 'response:complete'), 5000, 'response:complete');
      const events = h.eventsOf(callId);
      expect(events.map((e) => e.event)).toEqual(['playback:start', 'playback:complete', 'response:start', 'response:complete']);
      expect(events[1]).toMatchObject({ duration: 800 });
    }
    expect(hits.get('/tone.wav?stack')).toBe(1);
  });

  it('a download that fails is playback:failed with its status, and the script goes on', async () => {
    h.hook.json('/call', [{ verb: 'announce', url: `${base}/missing.wav` }, { verb: 'response', code: 404, reason: 'No Greeting' }]);
    const a = await runSipp({
      scenario: 'uac-invite-auth.xml',
      target: `127.0.0.1:${SIP}`,
      port: PHONE,
      keys: { domain: DOMAIN, from: '1000', to: '5000' },
      vars: { from: '1000', password: 'pw1000', final: '404', check: 'No Greeting' },
    });
    expect(a.code, describeSipp(a)).toBe(0);
    const callId = lastCallId();
    await until(() => h.eventsOf(callId).length >= 3, 5000, 'events');
    expect(h.eventsOf(callId)[0]).toMatchObject({ event: 'playback:failed', error: { status: 502, reason: 'download failed: HTTP 404' } });
  });
});
