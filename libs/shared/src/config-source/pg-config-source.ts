import type pg from 'pg';
import type { ConfigSnapshot } from '../model/config-snapshot.js';
import { PbxError } from '../errors/pbx-error.js';
import { PBX_ERR_CONFIG_DB } from './config-errors.js';
import { ConfigSourceBase } from './config-source-base.js';
import type { ConfigSourceDeps } from './config-source-deps.js';
import {
  PG_CONFIG_CHANNEL,
  type PgConfigSourceInput,
  type PgConfigSourceOptions,
  PgConfigSourceOptionsSchema,
} from './pg-config-source-options.js';
import { loadPg, runMigrations } from './pg-migrations.js';
import type { ClientRow, DomainRow, TrunkRow } from './pg-rows.js';
import { resolveOptions } from './resolve-options.js';
import { snapshotFromRows } from './snapshot-from-rows.js';

function dbError(err: unknown): PbxError {
  if (err instanceof PbxError) return err;
  const e = err as Error & { code?: string };
  return new PBX_ERR_CONFIG_DB(e.code ? `${e.code}: ${e.message}` : String(e.message ?? err));
}

/**
 * `DATA_SOURCE=pg`: domains, clients and trunks in PostgreSQL. Start runs the
 * numbered migrations, then LISTENs on {@link PG_CONFIG_CHANNEL}; statement
 * triggers notify on every change and the source reloads the whole
 * configuration in one repeatable-read snapshot. A bad row is logged and the
 * last good configuration stays live.
 */
export class PgConfigSource extends ConfigSourceBase {
  readonly kind = 'pg' as const;
  readonly options: Readonly<PgConfigSourceOptions>;
  readonly #origin: string;
  /** The pg driver, loaded by `start()`: a service on another DATA_SOURCE never loads it. */
  #pg: typeof pg | undefined;
  #pool: pg.Pool | undefined;
  #listener: pg.Client | undefined;
  #reconnect: NodeJS.Timeout | undefined;

  constructor(options: PgConfigSourceInput, deps: ConfigSourceDeps) {
    super(deps.logger);
    this.options = resolveOptions(PgConfigSourceOptionsSchema, options, 'pg config source');
    const o = this.options;
    this.#origin = `postgres ${o.host}:${o.port}/${o.database} schema ${o.schema}`;
  }

  #connection(): pg.ClientConfig {
    const o = this.options;
    return {
      host: o.host,
      port: o.port,
      user: o.user,
      password: o.password,
      database: o.database,
      connectionTimeoutMillis: o.connectTimeoutMs,
      // The schema name is a validated plain identifier, safe unquoted here.
      options: `-c search_path=${o.schema}`,
      // Names the schema so an operator can tell tenants' listeners apart in pg_stat_activity.
      application_name: `dragonpbx-config:${o.schema}`,
    };
  }

  async start(): Promise<void> {
    const driver = await loadPg();
    this.#pg = driver;
    this.#pool = new driver.Pool({ ...this.#connection(), max: 2 });
    this.#pool.on('error', (err) => this.logger.warn({ source: this.kind, err: err.message }, 'idle pg client error'));
    try {
      await runMigrations(this.#pool, this.options.schema);
      // LISTEN before the first load so no change between the two is missed.
      await this.#listen();
      this.accept(await this.#load());
    } catch (err) {
      await this.close();
      throw dbError(err);
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.#reconnect);
    await this.stopReloads();
    const listener = this.#listener;
    this.#listener = undefined;
    await listener?.end().catch(() => {});
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.end().catch(() => {});
  }

  async #listen(): Promise<void> {
    const driver = this.#pg ?? (await loadPg());
    const client = new driver.Client(this.#connection());
    client.on('error', (err) => {
      this.logger.warn({ source: this.kind, code: 'PBX_ERR_CONFIG_DB', err: err.message }, 'config LISTEN connection lost');
      this.#relisten(client);
    });
    client.on('end', () => this.#relisten(client));
    client.on('notification', (msg) => {
      if (msg.channel === PG_CONFIG_CHANNEL && msg.payload?.startsWith(`${this.options.schema}.`)) this.#schedule();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${PG_CONFIG_CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
    this.#listener = client;
  }

  /**
   * Re-opens LISTEN after the live listener connection is lost, then reloads:
   * notifications sent meanwhile are gone. Events of clients that never
   * became live are ignored.
   */
  #relisten(lost?: pg.Client): void {
    if (this.closed || (lost && this.#listener !== lost) || this.#reconnect) return;
    this.#listener = undefined;
    lost?.end().catch(() => {});
    this.#reconnect = setTimeout(() => {
      this.#listen().then(
        () => {
          this.#reconnect = undefined;
          this.#schedule();
        },
        (err) => {
          this.#reconnect = undefined;
          this.logger.warn({ source: this.kind, code: 'PBX_ERR_CONFIG_DB', err: (err as Error).message }, 'config LISTEN reconnect failed');
          this.#relisten();
        },
      );
    }, this.options.reconnectMs);
  }

  #schedule(): void {
    this.scheduleReload(this.options.debounceMs, () =>
      this.#load().catch((err: unknown) => {
        throw dbError(err);
      }),
    );
  }

  async #load(): Promise<ConfigSnapshot> {
    const pool = this.#pool;
    if (!pool) throw new PBX_ERR_CONFIG_DB('not connected');
    const client = await pool.connect();
    let domains: DomainRow[];
    let clients: ClientRow[];
    let trunks: TrunkRow[];
    try {
      // One consistent view across the three tables (repeatable read).
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      domains = (await client.query<DomainRow>('SELECT id, domain FROM domains ORDER BY id')).rows;
      clients = (
        await client.query<ClientRow>(
          `SELECT id, domain_id, username, reghook, password, dialplan, codecs, expires, label, auth_type, max_clients
             FROM clients ORDER BY domain_id, position, id`,
        )
      ).rows;
      trunks = (
        await client.query<TrunkRow>(
          `SELECT id, domain_id, name, label, inbound, outbound_host, outbound_username, outbound_password,
                  dialplan, codecs, auth_type, auth_user, auth_pass, register_host, register_username,
                  register_password, register_expires, options_ping
             FROM trunks ORDER BY domain_id, id`,
        )
      ).rows;
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw dbError(err);
    } finally {
      client.release();
    }
    return snapshotFromRows(this.#origin, domains, clients, trunks);
  }
}
