import { DATA_SOURCES } from './env.js';
import { integer, oneOf, path, port, text, url } from './env-parsers.js';
import { envVar } from './env-var.js';

/** Services that read domains, clients and trunks from a configuration backend. */
export const CONFIG_SOURCE_ENV = Object.freeze({
  DATA_SOURCE: envVar(oneOf(DATA_SOURCES), 'json', 'Configuration backend: json, api or pg.'),
  CONFIG_URL: envVar(url(['http', 'https']), 'http://127.0.0.1:1337/api/v1/domains', 'api backend: feed URL.'),
  CONFIG_TOKEN: envVar<string | undefined>(text, undefined, 'api backend: bearer token.', { secret: true }),
  CONFIG_TTL: envVar(integer(1, 31_536_000), 60, 'api backend: poll interval, seconds.'),
  CONFIG_FILE: envVar(
    (raw, ctx) => path(ctx.cwd)(raw),
    (_e, ctx) => path(ctx.cwd)('config/config.json'),
    'json backend: the file, relative to the working directory.',
    { defaultDoc: '`config/config.json`' },
  ),
  DB_HOST: envVar(text, 'localhost', 'pg backend: PostgreSQL host.'),
  DB_PORT: envVar(port(), 5432, 'pg backend: PostgreSQL port.'),
  DB_USER: envVar(text, 'postgres', 'pg backend: PostgreSQL user.'),
  DB_PASSWORD: envVar<string | undefined>(text, undefined, 'pg backend: PostgreSQL password.', { secret: true }),
  DB_NAME: envVar(text, 'dragonpbx', 'pg backend: PostgreSQL database.'),
});
