import { describe, expect, it } from 'vitest';
import { startMain, waitForHttp } from '../helpers/main-process.js';

// Two real child processes, run concurrently: spawning tsx is the slow part.
describe('main.ts (drop-in command line, real process)', () => {
  it.concurrent('a bad value is one clear error line and exit 1', async () => {
    const proc = startMain(['--noconfig', '--port', 'abc']);
    expect(await proc.exited).toBe(1);
    const lines = proc.stderr().trim().split('\n');
    expect(lines).toEqual(['sip-server: PBX_ERR_SIP_CLI_INVALID: invalid --port: "abc" is not a port number (0-65535)']);
  }, 60_000);

  it.concurrent('boots, serves /healthz and /metrics, warns about ignored options, stops on SIGTERM', async () => {
    const proc = startMain(
      [
        '--noconfig',
        '--address', '127.0.0.1',
        '--port', '24110',
        '--contact', 'sip:127.0.0.1:24111;transport=udp,tcp',
        '--prometheus-scrape-port', '127.0.0.1:24112',
        '--sofia-loglevel', '3',
        '--homer', '10.0.0.1:9060',
      ],
      { DRACHTIO_SECRET: 'from-env' },
    );
    try {
      const health = await waitForHttp('http://127.0.0.1:24112/healthz', 25_000);
      expect(await health.json()).toMatchObject({ status: 'ok', ok: true });
      const metrics = await (await fetch('http://127.0.0.1:24112/metrics')).text();
      expect(metrics).toMatch(/^drachtio_app_connections \d+$/m);
      expect(metrics).toMatch(/^process_resident_memory_bytes \d+/m);
      const out = proc.stdout();
      expect(out).toContain('--sofia-loglevel is accepted but ignored');
      expect(out).toContain('--homer is not supported by this server; ignored');
      expect(out).toContain('"admin":"127.0.0.1:24110"');
    } finally {
      expect(await proc.stop()).toBe(0);
    }
  }, 60_000);
});
