import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { createLogger } from '@dragonpbx/shared/platform';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';

const fx = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

function io(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return { deps: { argv, env, print: (l: string) => out.push(l), printError: (l: string) => err.push(l) }, out, err };
}

describe('runCli', () => {
  it('--help prints the options and exits 0', async () => {
    const { deps, out } = io(['--help']);
    expect(await runCli(deps)).toEqual({ kind: 'exit', code: 0 });
    expect(out.join('\n')).toContain('--contact');
    expect(out.join('\n')).toContain('DRACHTIO_SECRET');
  });

  it('--version prints a drachtio-style version', async () => {
    const { deps, out } = io(['-v']);
    expect(await runCli(deps)).toEqual({ kind: 'exit', code: 0 });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^v\d+\.\d+\.\d+$/);
  });

  it.each([
    [['-f', '/nonexistent/drachtio.conf.xml'], /^sip-server: PBX_ERR_SIP_CONFIG_FILE: .*ENOENT/],
    [['-f', fx('malformed.conf.xml')], /^sip-server: PBX_ERR_SIP_CONFIG_FILE: /],
    [['-f', fx('bad-regex.conf.xml')], /^sip-server: PBX_ERR_SIP_POLICY_RULE: /],
    [['--noconfig', '--t2', '100', '--t1', '500'], /^sip-server: PBX_ERR_SIP_SERVER_OPTIONS: .*t2/],
  ])('%j → exit 1 with one error line', async (argv, msg) => {
    const { deps, err } = io(argv);
    expect(await runCli(deps)).toEqual({ kind: 'exit', code: 1 });
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(msg);
  });

  it('an admin port in use is one error line and exit 1', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { deps, err } = io(['--noconfig', '--address', '127.0.0.1', '--port', String(port), '--contact', 'sip:127.0.0.1:0']);
      expect(await runCli(deps)).toEqual({ kind: 'exit', code: 1 });
      expect(err).toHaveLength(1);
      expect(err[0]).toMatch(/^sip-server: .*EADDRINUSE/);
    } finally {
      blocker.close();
    }
  });

  it('boots in-process and stops cleanly', async () => {
    const { deps, err } = io(['--noconfig', '--address', '127.0.0.1', '--port', '0', '--contact', 'sip:127.0.0.1:0;transport=udp']);
    const r = await runCli({ ...deps, logger: (await import('pino')).pino({ level: 'silent' }) });
    expect(err).toEqual([]);
    expect(r.kind).toBe('running');
    if (r.kind !== 'running') return;
    expect(r.server.started).toBe(true);
    await r.stop();
    expect(r.server.started).toBe(false);
  });

  it('keeps serving SIP when the metrics port is busy, logging one error', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    const lines: string[] = [];
    const logger = (await import('pino')).pino({ level: 'info' }, { write: (l: string) => lines.push(l) });
    const { deps, err } = io([
      '--noconfig', '--address', '127.0.0.1', '--port', '0', '--contact', 'sip:127.0.0.1:0;transport=udp',
      '--prometheus-scrape-port', `127.0.0.1:${port}`,
    ]);
    try {
      const r = await runCli({ ...deps, logger });
      expect(err).toEqual([]);
      expect(r.kind).toBe('running');
      if (r.kind !== 'running') return;
      expect(r.ops).toBeUndefined();
      expect(lines.some((l) => l.includes('cannot open the metrics port') && l.includes('EADDRINUSE'))).toBe(true);
      await r.stop();
    } finally {
      blocker.close();
    }
  });

  it('gives the server its logger: a listener exception reaches the log instead of vanishing', async () => {
    const lines: string[] = [];
    const logger = createLogger({ service: 'sip-server', level: 'info', destination: { write: (l: string) => lines.push(l) } });
    const { deps } = io(['--noconfig', '--address', '127.0.0.1', '--port', '0', '--contact', 'sip:127.0.0.1:0;transport=udp']);
    const r = await runCli({ ...deps, logger });
    expect(r.kind).toBe('running');
    if (r.kind !== 'running') return;
    const sock = createSocket('udp4');
    try {
      r.server.stack.on('parse-error', () => {
        throw new Error('listener bug');
      });
      const port = r.server.sipContacts()[0]!.port;
      await new Promise<void>((res, rej) => sock.send('not sip at all\r\n\r\n', port, '127.0.0.1', (e) => (e ? rej(e) : res())));
      await expect.poll(() => lines.find((l) => l.includes('listener threw'))).toBeDefined();
      const entry = JSON.parse(lines.find((l) => l.includes('listener threw'))!);
      expect(entry).toMatchObject({ level: 'error', service: 'sip-server', event: 'parse-error' });
      expect(JSON.stringify(entry.err)).toContain('listener bug');
    } finally {
      sock.close();
      await r.stop();
    }
  });
});
