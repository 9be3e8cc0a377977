import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiConfigSource } from '../../src/config-source/api-config-source.js';
import { createConfigSource } from '../../src/config-source/create-config-source.js';
import { JsonConfigSource } from '../../src/config-source/json-config-source.js';
import { PgConfigSource } from '../../src/config-source/pg-config-source.js';
import { CONFIG_SOURCE_ENV, parseEnv } from '../../src/platform.js';
import { FIXTURE, captureLogger, toConfigFile } from './fixture.js';

const deps = () => ({ logger: captureLogger().logger });

describe('createConfigSource', () => {
  it('defaults to json with config/config.json under cwd', () => {
    const s = createConfigSource({}, { ...deps(), cwd: '/srv/pbx' });
    expect(s).toBeInstanceOf(JsonConfigSource);
    expect((s as JsonConfigSource).options.file).toBe('/srv/pbx/config/config.json');
  });

  it('json: loads CONFIG_FILE relative to cwd', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dragon-config-'));
    try {
      await writeFile(join(dir, 'pbx.json'), JSON.stringify(toConfigFile(FIXTURE)));
      const s = createConfigSource({ DATA_SOURCE: 'JSON', CONFIG_FILE: 'pbx.json' }, { ...deps(), cwd: dir });
      await s.start();
      expect(s.getDomain('pbx.example.com')).toBe(1);
      await s.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('api: reads CONFIG_URL, CONFIG_TOKEN and CONFIG_TTL (string or number)', () => {
    const s = createConfigSource(
      { DATA_SOURCE: 'api', CONFIG_URL: 'http://cfg.example/api/v1/domains', CONFIG_TOKEN: 't', CONFIG_TTL: '5' },
      deps(),
    ) as ApiConfigSource;
    expect(s).toBeInstanceOf(ApiConfigSource);
    expect(s.options).toMatchObject({ url: 'http://cfg.example/api/v1/domains', token: 't', ttlSeconds: 5, timeoutMs: 10_000 });
    const parsed = createConfigSource({ DATA_SOURCE: 'api', CONFIG_TTL: 30 }, deps()) as ApiConfigSource;
    expect(parsed.options).toMatchObject({ url: 'http://127.0.0.1:1337/api/v1/domains', ttlSeconds: 30 });
    expect(parsed.options.token).toBeUndefined();
  });

  it('pg: reads DB_* with the original defaults', () => {
    const s = createConfigSource({ DATA_SOURCE: 'pg', DB_PORT: '5433', DB_SCHEMA: 'tenant_a' }, deps()) as PgConfigSource;
    expect(s).toBeInstanceOf(PgConfigSource);
    expect(s.options).toMatchObject({ host: 'localhost', port: 5433, user: 'postgres', database: 'dragonpbx', schema: 'tenant_a' });
  });

  it('bad environment gives PBX_ERR_CONFIG_OPTIONS naming the variable', () => {
    const code = expect.objectContaining({ code: 'PBX_ERR_CONFIG_OPTIONS' });
    expect(() => createConfigSource({ DATA_SOURCE: 'redis' }, deps())).toThrow(code);
    expect(() => createConfigSource({ DATA_SOURCE: 'redis' }, deps())).toThrow('DATA_SOURCE must be json, api or pg, got "redis"');
    expect(() => createConfigSource({ DATA_SOURCE: 'api', CONFIG_TTL: 'soon' }, deps())).toThrow('CONFIG_TTL must be a number');
    expect(() => createConfigSource({ DATA_SOURCE: 'api', CONFIG_TTL: '-1' }, deps())).toThrow(/\/ttlSeconds/);
    expect(() => createConfigSource({ DATA_SOURCE: 'pg', DB_PORT: '70000' }, deps())).toThrow(/\/port/);
  });

  it('accepts the variables parsed by CONFIG_SOURCE_ENV', () => {
    const ctx = { cwd: '/srv/pbx', hostname: 'h', pid: 1 };
    const env = parseEnv(CONFIG_SOURCE_ENV, { DATA_SOURCE: 'pg', DB_PORT: '5434', DB_NAME: 'pbx' }, ctx);
    const s = createConfigSource(env, deps()) as PgConfigSource;
    expect(s.options).toMatchObject({ port: 5434, database: 'pbx', schema: 'public' });
    const json = createConfigSource(parseEnv(CONFIG_SOURCE_ENV, {}, ctx), deps()) as JsonConfigSource;
    expect(json.options.file).toBe('/srv/pbx/config/config.json');
  });

  it('accepts process.env as is', () => {
    const env: NodeJS.ProcessEnv = { DATA_SOURCE: 'api', CONFIG_TTL: '1' };
    expect(createConfigSource(env, deps()).kind).toBe('api');
  });
});
