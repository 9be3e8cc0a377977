import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PgConfigSource } from '../../src/config-source/pg-config-source.js';
import { runMigrations } from '../../src/config-source/pg-migrations.js';
import { configSourceContract, nextChange, nextInvalid } from './contract.js';
import { FIXTURE, captureLogger, randomId } from './fixture.js';
import { PG, insertFeed, pgPool } from './pg-fixture.js';

async function dropSchema(schema: string): Promise<void> {
  const admin = new pg.Client(PG);
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  await admin.end();
}

configSourceContract('pg', async () => {
  const schema = `cfgtest_${randomId()}`;
  const pool = pgPool(schema);
  await runMigrations(pool, schema);
  await insertFeed(pool, FIXTURE);
  const { logger, lines } = captureLogger();
  const source = new PgConfigSource({ ...PG, schema, debounceMs: 20 }, { logger });
  return {
    source,
    lines,
    edit: async () => {
      // editedFixture(): trunk 10 moves to 5.6.7.0/24 and a third domain appears, in one transaction.
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        await c.query(`UPDATE trunks SET inbound = '["5.6.7.0/24"]' WHERE id = 10`);
        await c.query(`INSERT INTO domains (id, domain) VALUES (3, 'new.example.com')`);
        await c.query('COMMIT');
      } finally {
        c.release();
      }
    },
    close: async () => {
      await source.close();
      await pool.end();
      await dropSchema(schema);
    },
  };
});

describe('pg config source: migrations and bad rows', () => {
  let schema: string;
  let pool: pg.Pool;
  const sources: PgConfigSource[] = [];
  const open = (logger = captureLogger().logger) => {
    const s = new PgConfigSource({ ...PG, schema, debounceMs: 20 }, { logger });
    sources.push(s);
    return s;
  };

  beforeEach(() => {
    schema = `cfgtest_${randomId()}`;
    pool = pgPool(schema);
  });
  afterEach(async () => {
    await Promise.all(sources.splice(0).map((s) => s.close()));
    await pool.end();
    await dropSchema(schema);
  });

  it('migrations are idempotent and safe for concurrent starters', async () => {
    const results = await Promise.all([runMigrations(pool, schema), runMigrations(pool, schema)]);
    // Exactly one starter applied the migration; the other found it done.
    expect(results.map((r) => r.length).sort()).toEqual([0, 1]);
    expect(await runMigrations(pool, schema)).toEqual([]);
    const { rows } = await pool.query('SELECT version FROM schema_migrations');
    expect(rows).toEqual([{ version: '001_config_tables' }]);
    const tables = await pool.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
      [schema],
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(['clients', 'domains', 'schema_migrations', 'trunks']);
  });

  it('an empty database starts with no domains, and a new domain shows up', async () => {
    const source = open();
    await source.start();
    expect(source.listDomains()).toEqual([]);
    const changed = nextChange(source, (s) => Object.hasOwn(s.domains, 'fresh.example.com'));
    await pool.query(`INSERT INTO domains (domain) VALUES ('Fresh.Example.com')`);
    await changed;
    expect(source.getDomain('fresh.example.com')).toBeTypeOf('number');
  });

  it('a bad row (invalid CIDR) fails start with PBX_ERR_CONFIG_INVALID naming table, row and field', async () => {
    await runMigrations(pool, schema);
    await insertFeed(pool, FIXTURE);
    await pool.query(`UPDATE trunks SET inbound = '["90.155.3.0/24", "300.1.1.1/8"]' WHERE id = 10`);
    const err = await open().start().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PBX_ERR_CONFIG_INVALID' });
    expect((err as Error).message).toContain(`schema ${schema}: /trunks/10/inbound/1: invalid CIDR "300.1.1.1/8"`);
  });

  it('a bad row at runtime keeps the last good config; fixing it reloads', async () => {
    await runMigrations(pool, schema);
    await insertFeed(pool, FIXTURE);
    const { logger, lines } = captureLogger();
    const source = open(logger);
    await source.start();

    let invalid = nextInvalid(source);
    await pool.query(`UPDATE clients SET dialplan = '{"1???": 42}' WHERE id = 2`);
    let err = await invalid;
    expect(err.code).toBe('PBX_ERR_CONFIG_INVALID');
    expect(err.message).toContain('/clients/2/dialplan/1???');
    expect(source.getRegHook('pbx.example.com', '1234')?.dialplan).toEqual({ '*': 'http://127.0.0.1:3000/internal' });
    expect(lines.find((l) => l.level === 'warn')?.obj.code).toBe('PBX_ERR_CONFIG_INVALID');

    invalid = nextInvalid(source);
    await pool.query(`UPDATE trunks SET register_username = NULL WHERE id = 12`);
    err = await invalid;
    expect(err.message).toContain('/trunks/12/register/username');

    const changed = nextChange(source, (s) => s.domains['pbx.example.com']!.clients[1]!.dialplan?.['1???'] !== undefined);
    await pool.query(`UPDATE trunks SET register_username = 'ru' WHERE id = 12`);
    await pool.query(`UPDATE clients SET dialplan = '{"1???": "http://127.0.0.1:3000/x"}' WHERE id = 2`);
    await changed;
    expect(source.getRegHook('pbx.example.com', '1234')?.dialplan).toEqual({ '1???': 'http://127.0.0.1:3000/x' });
  });

  it('changes in another schema do not reload this one', async () => {
    await runMigrations(pool, schema);
    await insertFeed(pool, FIXTURE);
    const { logger, lines } = captureLogger();
    const source = open(logger);
    await source.start();
    const other = `cfgtest_${randomId()}`;
    const otherPool = pgPool(other);
    try {
      await runMigrations(otherPool, other);
      await otherPool.query(`INSERT INTO domains (domain) VALUES ('elsewhere.example.com')`);
      // Longer than the debounce: a wrongly accepted notification would reload (and log) on its own.
      await new Promise((r) => setTimeout(r, 200));
      // A change here afterwards proves notifications are flowing at all.
      const changed = nextChange(source, (s) => Object.hasOwn(s.domains, 'here.example.com'));
      await pool.query(`INSERT INTO domains (domain) VALUES ('here.example.com')`);
      await changed;
      expect(source.getDomain('elsewhere.example.com')).toBe(false);
      expect(lines.filter((l) => l.msg === 'configuration unchanged')).toHaveLength(0);
    } finally {
      await otherPool.end();
      await dropSchema(other);
    }
  });

  it('a lost LISTEN connection is re-opened and the config reloaded', async () => {
    await runMigrations(pool, schema);
    await insertFeed(pool, FIXTURE);
    const { logger, lines } = captureLogger();
    const source = new PgConfigSource({ ...PG, schema, debounceMs: 20, reconnectMs: 400 }, { logger });
    sources.push(source);
    await source.start();
    const killed = await pool.query(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1 AND query ILIKE 'LISTEN%'`,
      [`dragonpbx-config:${schema}`],
    );
    expect(killed.rows).toEqual([{ ok: true }]);
    await vi.waitFor(() => expect(lines.some((l) => l.msg === 'config LISTEN connection lost')).toBe(true), { timeout: 5000 });
    // A change made while disconnected (reconnect waits 400 ms) is only seen through the reload after re-LISTEN.
    await pool.query(`INSERT INTO domains (domain) VALUES ('during.example.com')`);
    await vi.waitFor(() => expect(source.getDomain('during.example.com')).not.toBe(false), { timeout: 5000 });
    const changed = nextChange(source, (s) => Object.hasOwn(s.domains, 'after.example.com'));
    await pool.query(`INSERT INTO domains (domain) VALUES ('after.example.com')`);
    await changed;
  });

  it('an unreachable database fails start with PBX_ERR_CONFIG_DB', async () => {
    const s = new PgConfigSource({ ...PG, port: 20199, schema, connectTimeoutMs: 1000 }, { logger: captureLogger().logger });
    sources.push(s);
    await expect(s.start()).rejects.toMatchObject({ code: 'PBX_ERR_CONFIG_DB', message: expect.stringContaining('ECONNREFUSED') });
  });

  it('rejects a schema name that is not a plain identifier', () => {
    expect(() => new PgConfigSource({ schema: 'x; DROP TABLE y' }, { logger: captureLogger().logger })).toThrow(
      expect.objectContaining({ code: 'PBX_ERR_CONFIG_OPTIONS', message: expect.stringContaining('/schema') }),
    );
  });
});
