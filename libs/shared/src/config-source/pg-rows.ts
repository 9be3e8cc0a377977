import type { ClientEntry } from '../model/config-client.js';
import type { TrunkEntry } from '../model/config-trunk.js';

/** A `domains` row as selected by the loader. */
export interface DomainRow {
  id: number;
  domain: string;
}

/** A `clients` row as selected by the loader (jsonb columns arrive parsed). */
export interface ClientRow {
  id: number;
  domain_id: number;
  username: string;
  reghook: string | null;
  password: string | null;
  dialplan: unknown;
  codecs: unknown;
  expires: number | null;
  label: string | null;
  auth_type: string | null;
  max_clients: number;
}

/** A `trunks` row as selected by the loader. */
export interface TrunkRow {
  id: number;
  domain_id: number;
  name: string | null;
  label: string | null;
  inbound: unknown;
  outbound_host: string | null;
  outbound_username: string | null;
  outbound_password: string | null;
  dialplan: unknown;
  codecs: unknown;
  auth_type: string | null;
  auth_user: string | null;
  auth_pass: string | null;
  register_host: string | null;
  register_username: string | null;
  register_password: string | null;
  register_expires: number | null;
  options_ping: boolean;
}

// Rows become the same entry shape the file and feed use, so one schema and
// one normaliser check all three backends. jsonb values are passed through
// untyped and validated by the entry schema afterwards.

/** Maps a client row onto the feed's client entry shape (unvalidated). */
export function clientRowToEntry(r: ClientRow): ClientEntry {
  return {
    id: r.id,
    username: r.username,
    reghook: r.reghook,
    password: r.password,
    dialplan: r.dialplan as ClientEntry['dialplan'],
    codecs: r.codecs as ClientEntry['codecs'],
    expires: r.expires,
    label: r.label,
    authType: r.auth_type,
    maxClients: r.max_clients,
  };
}

/** Maps a trunk row onto the entry shape; `register` exists iff `register_host` is set. */
export function trunkRowToEntry(r: TrunkRow): TrunkEntry {
  const entry: TrunkEntry = {
    id: r.id,
    name: r.name,
    label: r.label,
    inbound: r.inbound as TrunkEntry['inbound'],
    outbound: { host: r.outbound_host, username: r.outbound_username, password: r.outbound_password },
    dialplan: r.dialplan as TrunkEntry['dialplan'],
    codecs: r.codecs as TrunkEntry['codecs'],
    authType: r.auth_type,
    authUser: r.auth_user,
    authPass: r.auth_pass,
    options_ping: r.options_ping,
  };
  if (r.register_host !== null) {
    entry.register = {
      host: r.register_host,
      username: r.register_username as string,
      password: r.register_password as string,
      ...(r.register_expires !== null ? { expires: r.register_expires } : {}),
    };
  }
  return entry;
}
