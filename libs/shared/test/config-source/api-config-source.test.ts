import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiConfigSource } from '../../src/config-source/api-config-source.js';
import { configSourceContract, nextChange, nextInvalid } from './contract.js';
import { type FeedServer, startFeedServer } from './feed-server.js';
import { FIXTURE, captureLogger, editedFixture } from './fixture.js';

/** The admin UI adds counters and users the source must ignore (docs/contract.md §2.5). */
const withUiExtras = (feed: object) => ({ ...feed, count: 2, clientCount: 4, trunkCount: 4, users: [{ id: 1 }] });

configSourceContract('api', async () => {
  const server = await startFeedServer();
  server.behaviour.token = 'contract-token';
  server.serve(withUiExtras(FIXTURE));
  const { logger, lines } = captureLogger();
  const source = new ApiConfigSource({ url: server.url, token: 'contract-token', ttlSeconds: 0.1 }, { logger });
  return {
    source,
    lines,
    edit: async () => server.serve(withUiExtras(editedFixture())),
    close: async () => {
      await source.close();
      await server.close();
    },
  };
});

describe('api config source: feed failures', () => {
  let server: FeedServer;
  const sources: ApiConfigSource[] = [];
  const open = (opts: { token?: string; timeoutMs?: number } = {}, logger = captureLogger().logger) => {
    const s = new ApiConfigSource({ url: server.url, ttlSeconds: 0.05, token: 'tok', ...opts }, { logger });
    sources.push(s);
    return s;
  };

  beforeEach(async () => {
    server = await startFeedServer();
    server.behaviour.token = 'tok';
  });
  afterEach(async () => {
    await Promise.all(sources.splice(0).map((s) => s.close()));
    await server.close();
  });

  it('sends the bearer token and If-None-Match; a 304 changes nothing', async () => {
    server.serve(FIXTURE);
    const source = open();
    let changes = 0;
    source.on('change', () => changes++);
    await source.start();
    expect(server.requests[0]!.headers.authorization).toBe('Bearer tok');
    expect(server.requests[0]!.headers['if-none-match']).toBeUndefined();
    await vi.waitFor(() => expect(server.requests.filter((r) => r.status === 304).length).toBeGreaterThanOrEqual(2));
    const conditional = server.requests.find((r) => r.status === 304)!;
    expect(conditional.headers['if-none-match']).toBe('"v1"');
    expect(changes).toBe(0);
    expect(source.getDomain('pbx.example.com')).toBe(1);
  });

  it('a 401 fails start with PBX_ERR_CONFIG_FETCH naming the status', async () => {
    server.serve(FIXTURE);
    await expect(open({ token: 'wrong' }).start()).rejects.toMatchObject({
      code: 'PBX_ERR_CONFIG_FETCH',
      message: expect.stringContaining('HTTP 401; check CONFIG_TOKEN'),
    });
  });

  it('a 500 at start fails; a 500 later keeps the last good config', async () => {
    server.behaviour.status = 500;
    await expect(open().start()).rejects.toMatchObject({ code: 'PBX_ERR_CONFIG_FETCH', message: expect.stringContaining('HTTP 500') });

    server.serve(FIXTURE);
    const { logger, lines } = captureLogger();
    const source = open({}, logger);
    await source.start();
    const invalid = nextInvalid(source);
    server.behaviour.status = 500;
    expect((await invalid).message).toContain('HTTP 500');
    expect(source.getDomain('pbx.example.com')).toBe(1);
    expect(lines.find((l) => l.level === 'warn')?.obj.code).toBe('PBX_ERR_CONFIG_FETCH');
    // Logs never carry the token.
    expect(JSON.stringify(lines)).not.toContain('tok"');
  });

  it('a refused connection fails start with PBX_ERR_CONFIG_FETCH', async () => {
    const s = new ApiConfigSource({ url: 'http://127.0.0.1:20198/api/v1/domains', timeoutMs: 2000 }, { logger: captureLogger().logger });
    sources.push(s);
    await expect(s.start()).rejects.toMatchObject({ code: 'PBX_ERR_CONFIG_FETCH', message: expect.stringContaining('ECONNREFUSED') });
  });

  it('a slow feed times out with PBX_ERR_CONFIG_FETCH', async () => {
    server.serve(FIXTURE);
    server.behaviour.delayMs = 1000;
    await expect(open({ timeoutMs: 100 }).start()).rejects.toMatchObject({
      code: 'PBX_ERR_CONFIG_FETCH',
      message: expect.stringContaining('timed out after 100 ms'),
    });
  });

  it('garbage fails with PBX_ERR_CONFIG_INVALID; later garbage keeps the last good config', async () => {
    server.behaviour.body = '<html>oops</html>';
    await expect(open().start()).rejects.toMatchObject({
      code: 'PBX_ERR_CONFIG_INVALID',
      message: expect.stringContaining('not valid JSON'),
    });

    server.serve(FIXTURE);
    const source = open();
    await source.start();
    const invalid = nextInvalid(source);
    server.serve({ domains: [{ id: 1, domain: 'pbx.example.com', clients: [{ id: 1 }] }] });
    const err = await invalid;
    expect(err.code).toBe('PBX_ERR_CONFIG_INVALID');
    expect(err.message).toContain('/domains/0/clients/0/username: required property missing');
    expect(source.getRegHook('pbx.example.com', '1000')?.id).toBe(1);

    // A rejected body's ETag is not remembered: once fixed, the next poll loads it.
    const changed = nextChange(source, (s) => Object.hasOwn(s.domains, 'new.example.com'));
    server.serve(editedFixture());
    await changed;
  });

  it('maps authType "registration" without regHost onto the outbound host; missing credentials are named', async () => {
    const feed = structuredClone(FIXTURE);
    feed.domains[0]!.trunks = [
      { id: 20, label: 'r', authType: 'registration', outbound: { host: 'out.example.net', username: 'o', password: 'p' } },
    ];
    server.serve(feed);
    const source = open();
    await source.start();
    expect(source.getRegTrunks('pbx.example.com')[0]!.register).toEqual({ host: 'out.example.net', username: 'o', password: 'p' });

    const invalid = nextInvalid(source);
    feed.domains[0]!.trunks = [{ id: 20, label: 'r', authType: 'registration', regHost: 'x.example', regUser: null }];
    server.serve(feed);
    const err = await invalid;
    expect(err.message).toContain('/domains/0/trunks/0/regUser');
    expect(err.message).toContain('/domains/0/trunks/0/regPass');
  });

  it('rejects invalid options with PBX_ERR_CONFIG_OPTIONS', () => {
    expect(() => new ApiConfigSource({ url: 'not a url' }, { logger: captureLogger().logger })).toThrow(
      expect.objectContaining({ code: 'PBX_ERR_CONFIG_OPTIONS', message: expect.stringContaining('/url') }),
    );
    expect(() => new ApiConfigSource({ ttlSeconds: 0 }, { logger: captureLogger().logger })).toThrow(/\/ttlSeconds/);
  });
});
