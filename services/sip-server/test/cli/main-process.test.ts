import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startMain, waitForHttp } from '../helpers/main-process.js';
import { describeRun, runSipp } from '../helpers/sipp.js';
import { type LooseSrf, connectApp, disconnectApp } from '../helpers/srf.js';

const conf = fileURLToPath(new URL('./fixtures/main.conf.xml', import.meta.url));
const shim = fileURLToPath(new URL('../../bin/drachtio', import.meta.url));

// Two real child processes, run concurrently: spawning tsx is the slow part.
// Fixed ports 24110–24114 (outside the conformance blocks) because drachtio.conf.xml names them.
describe('main.ts (drop-in command line, real process)', () => {
  it.concurrent('bin/drachtio runs main.ts from any working directory', async () => {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(shim, ['--version'], { cwd: '/' }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    expect(out.trim()).toMatch(/^v\d+\.\d+\.\d+$/);
  }, 120_000);

  it.concurrent('a bad value is one clear error line and exit 1', async () => {
    const proc = startMain(['--noconfig', '--port', 'abc']);
    expect(await proc.exited).toBe(1);
    const lines = proc.stderr().trim().split('\n');
    expect(lines).toEqual(['sip-server: PBX_ERR_SIP_CLI_INVALID: invalid --port: "abc" is not a port number (0-65535)']);
  }, 120_000);

  it.concurrent('boots from -f drachtio.conf.xml, serves apps, SIP, /healthz and /metrics, stops on SIGTERM', async () => {
    const proc = startMain(
      [
        '-f', conf,
        '--prometheus-scrape-port', '127.0.0.1:24112',
        '--sofia-loglevel', '3',
        '--homer', '10.0.0.1:9060',
      ],
      { DRACHTIO_SECRET: 'from-env' },
    );
    try {
      const health = await waitForHttp('http://127.0.0.1:24112/healthz', 60_000);
      expect(await health.json()).toEqual({ status: 'ok' });
      const ready = await fetch('http://127.0.0.1:24112/readyz');
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ ready: true, checks: { 'sip-server': true } });
      const metrics = await (await fetch('http://127.0.0.1:24112/metrics')).text();
      expect(metrics).toMatch(/^drachtio_app_connections \d+$/m);
      expect(metrics).toMatch(/^process_resident_memory_bytes \d+/m);
      const out = proc.stdout();
      expect(out).toContain('--sofia-loglevel is accepted but ignored');
      expect(out).toContain('--homer is not supported by this server; ignored');
      expect(out).toContain('"admin":"127.0.0.1:24110"');

      // DRACHTIO_SECRET wins over the file's secret; the app is served.
      let app: LooseSrf | undefined;
      try {
        app = await connectApp(24110, 'from-env');
        app.invite((_req: LooseSrf, res: LooseSrf) => res.send(486));
        const busy = await runSipp({
          scenario: 'uac-expect-486.xml',
          target: '127.0.0.1:24111',
          port: 24113,
          mediaPort: 24114,
          keys: { ua: 'Linphone/5' },
        });
        expect(busy.code, describeRun(busy)).toBe(0);
        const spam = await runSipp({
          scenario: 'uac-expect-603.xml',
          target: '127.0.0.1:24111',
          port: 24113,
          mediaPort: 24114,
          transport: 't1',
          keys: { ua: 'friendly-scanner' },
        });
        expect(spam.code, describeRun(spam)).toBe(0);
        const probe = await runSipp({
          scenario: 'uac-options-expect-200.xml',
          target: '127.0.0.1:24111',
          port: 24113,
          mediaPort: 24114,
          keys: { ua: 'lb-probe' },
        });
        expect(probe.code, describeRun(probe)).toBe(0);
        const scraped = await (await fetch('http://127.0.0.1:24112/metrics')).text();
        expect(scraped).toMatch(/^drachtio_app_connections 1$/m);
        // 3 requests from SIPp (INVITE, ACK, INVITE, ACK, OPTIONS: ACKs included) at least.
        expect(Number(/^sip_requests_received_total (\d+)$/m.exec(scraped)?.[1])).toBeGreaterThanOrEqual(3);
        expect(Number(/^sip_responses_sent_total (\d+)$/m.exec(scraped)?.[1])).toBeGreaterThanOrEqual(3);
        expect(scraped).toMatch(/^sip_policy_decisions_total\{decision="spammer"\} 1$/m);
        expect(scraped).toMatch(/^sip_policy_decisions_total\{decision="options-auto-respond"\} 1$/m);
      } finally {
        disconnectApp(app);
      }
      // SIGHUP (drachtio's reload signal) is logged, not fatal.
      proc.child.kill('SIGHUP');
      await new Promise((r) => setTimeout(r, 500));
      expect(proc.child.exitCode).toBeNull();
      expect(proc.stdout()).toContain('SIGHUP: configuration reload is not supported');
      // SIGTERM is handled: a clean stop exits 0.
      expect(await proc.stop()).toBe(0);
    } finally {
      await proc.stop();
    }
  }, 120_000);
  it.concurrent('runs through the shared runner: other services\' bad variables are ignored, SIGTERM stops it within its deadline', async () => {
    const proc = startMain(
      ['--noconfig', '--address', '127.0.0.1', '--port', '0', '--contact', 'sip:127.0.0.1:0;transport=udp', '--prometheus-scrape-port', '127.0.0.1:0'],
      // Other services' variables, all invalid; the sip-server needs no Redis either.
      { SHUTDOWN_TIMEOUT_MS: '5000', REDIS_URL: 'not a url', RTPENGINE_HOSTS: 'garbage', FLOOD_LIMIT: 'lots', HOOK_MAX_ATTEMPTS: 'many' },
    );
    try {
      const end = Date.now() + 60_000;
      let metrics: RegExpExecArray | null = null;
      while (!metrics && Date.now() < end && proc.child.exitCode === null) {
        await new Promise((r) => setTimeout(r, 100));
        metrics = /"metrics":"127\.0\.0\.1:(\d+)"/.exec(proc.stdout());
      }
      expect(metrics, proc.stdout() + proc.stderr()).not.toBeNull();
      const ready = await waitForHttp(`http://127.0.0.1:${metrics![1]}/readyz`, 30_000);
      expect(await ready.json()).toEqual({ ready: true, checks: { 'sip-server': true } });
      const began = Date.now();
      expect(await proc.stop(10_000)).toBe(0);
      expect(Date.now() - began).toBeLessThan(5000);
      expect(proc.stdout()).toContain('sip-server stopped');
    } finally {
      await proc.stop();
    }
  }, 120_000);

  it.concurrent('an invalid variable of the shared base is one PBX_ERR_ENV_INVALID line and exit 1', async () => {
    const proc = startMain(['--noconfig'], { SHUTDOWN_TIMEOUT_MS: 'soon' });
    expect(await proc.exited).toBe(1);
    expect(proc.stderr().trim()).toBe(
      'sip-server failed to start: PBX_ERR_ENV_INVALID: invalid SHUTDOWN_TIMEOUT_MS: expected an integer from 100 to 3600000, got "soon"',
    );
  }, 120_000);
});
