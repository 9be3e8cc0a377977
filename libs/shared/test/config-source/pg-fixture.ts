import pg from 'pg';
import type { ConfigFeed } from '../../src/model/config-feed.js';

/** The machine's PostgreSQL (trust auth); each test uses its own schema. */
export const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', password: '', database: 'postgres' } as const;

export function pgPool(schema: string): pg.Pool {
  return new pg.Pool({ ...PG, max: 2, options: `-c search_path=${schema}` });
}

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

/** Inserts a feed-shaped configuration into the pg backend's tables. */
export async function insertFeed(pool: pg.Pool, feed: ConfigFeed): Promise<void> {
  for (const d of feed.domains) {
    await pool.query('INSERT INTO domains (id, domain) VALUES ($1, $2)', [d.id, d.domain]);
    for (const [position, c] of (d.clients ?? []).entries()) {
      await pool.query(
        `INSERT INTO clients (id, domain_id, position, username, reghook, password, dialplan, codecs, expires, label, auth_type, max_clients)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, COALESCE($12, 1))`,
        [c.id, d.id, position, c.username, c.reghook ?? null, c.password ?? null, json(c.dialplan), json(c.codecs),
          c.expires ?? null, c.label ?? null, c.authType ?? null, c.maxClients ?? null],
      );
    }
    for (const t of d.trunks ?? []) {
      await pool.query(
        `INSERT INTO trunks (id, domain_id, name, label, inbound, outbound_host, outbound_username, outbound_password,
           dialplan, codecs, auth_type, auth_user, auth_pass, register_host, register_username, register_password,
           register_expires, options_ping)
         VALUES ($1, $2, $3, $4, COALESCE($5, '[]'::jsonb), $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, COALESCE($18, true))`,
        [t.id, d.id, t.name ?? null, t.label ?? null, json(t.inbound), t.outbound?.host ?? null, t.outbound?.username ?? null,
          t.outbound?.password ?? null, json(t.dialplan), json(t.codecs), t.authType ?? null, t.authUser ?? null,
          t.authPass ?? null, t.register?.host ?? t.regHost ?? null, t.register?.username ?? t.regUser ?? null,
          t.register?.password ?? t.regPass ?? null, t.register?.expires ?? null, t.options_ping ?? null],
      );
    }
  }
  // Explicit ids do not advance identity sequences; catch them up so later inserts can omit ids.
  for (const table of ['domains', 'clients', 'trunks']) {
    await pool.query(`SELECT setval(pg_get_serial_sequence($1, 'id'), COALESCE((SELECT max(id) FROM ${table}), 0) + 1, false)`, [table]);
  }
}
