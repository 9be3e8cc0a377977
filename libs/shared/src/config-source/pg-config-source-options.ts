import { type Static, Type } from '@sinclair/typebox';

/** Options of the `pg` backend (docs/contract.md §2.6 env names in brackets). */
export const PgConfigSourceOptionsSchema = Type.Object(
  {
    /** @defaultValue `localhost` [`DB_HOST`] */
    host: Type.String({ minLength: 1, default: 'localhost' }),
    /** @defaultValue 5432 [`DB_PORT`] */
    port: Type.Integer({ minimum: 1, maximum: 65_535, default: 5432 }),
    /** @defaultValue `postgres` [`DB_USER`] */
    user: Type.String({ minLength: 1, default: 'postgres' }),
    /** @defaultValue unset [`DB_PASSWORD`]; libpq rules then apply (e.g. `PGPASSWORD`, trust) */
    password: Type.Optional(Type.String()),
    /** @defaultValue `dragonpbx` [`DB_NAME`], the original's database */
    database: Type.String({ minLength: 1, default: 'dragonpbx' }),
    /**
     * Schema holding the tables [`DB_SCHEMA`]; created when missing. A plain
     * lower-case identifier so it can go in `search_path` unquoted.
     * @defaultValue `public`
     */
    schema: Type.String({ pattern: '^[a-z_][a-z0-9_]{0,62}$', default: 'public' }),
    /**
     * Quiet time after a change notification before reloading, in ms, so a
     * multi-statement edit reloads once.
     * @defaultValue 50
     */
    debounceMs: Type.Integer({ minimum: 0, maximum: 60_000, default: 50 }),
    /**
     * Wait before re-opening a lost LISTEN connection, in ms.
     * @defaultValue 1000
     */
    reconnectMs: Type.Integer({ minimum: 10, maximum: 600_000, default: 1000 }),
    /**
     * Connect timeout in ms.
     * @defaultValue 5000
     */
    connectTimeoutMs: Type.Integer({ minimum: 1, maximum: 600_000, default: 5000 }),
  },
  { additionalProperties: false },
);
export type PgConfigSourceOptions = Static<typeof PgConfigSourceOptionsSchema>;
/** Options as a caller may give them: defaults optional. */
export type PgConfigSourceInput = Partial<PgConfigSourceOptions>;

/** The LISTEN/NOTIFY channel; the payload is `<schema>.<table>`. */
export const PG_CONFIG_CHANNEL = 'dragonpbx_config';
