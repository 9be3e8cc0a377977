import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

/** The shipped migrations: `libs/shared/migrations/NNN_name.sql`. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

/**
 * The pg driver, imported on first use: the config barrel is loaded by every
 * service, and only a `DATA_SOURCE=pg` one needs the driver.
 */
export async function loadPg(): Promise<typeof pg> {
  return (await import('pg')).default;
}

const MIGRATION_FILE = /^(\d+)_[a-z0-9_-]+\.sql$/i;

/**
 * Applies every migration in `dir` not yet recorded in `<schema>.schema_migrations`,
 * in file-name order, in one transaction. A transaction-scoped advisory lock
 * keyed by the schema makes concurrent starters queue: the first applies, the
 * others then find nothing left to do. Returns the versions applied now.
 */
export async function runMigrations(pool: pg.Pool, schema: string, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = (await readdir(dir)).filter((f) => MIGRATION_FILE.test(f)).sort();
  const ident = (await loadPg()).escapeIdentifier(schema);
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`dragonpbx_migrations:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident}`);
    await client.query(`SET LOCAL search_path TO ${ident}`);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set((await client.query<{ version: string }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    for (const file of files) {
      const version = file.replace(/\.sql$/i, '');
      if (done.has(version)) continue;
      await client.query(await readFile(`${dir}/${file}`, 'utf8'));
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version]);
      applied.push(version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
