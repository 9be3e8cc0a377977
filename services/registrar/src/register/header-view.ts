import type { RegisterMessage } from './register-message.js';

/** What {@link headerView} reads of a drachtio-srf request. */
export interface ParsedRequest {
  readonly method: string;
  readonly uri: string;
  readonly source_address: string;
  readonly source_port: number;
  readonly protocol: string;
  /** drachtio-srf's parsed headers: name (lower-case, compact forms expanded) → value. */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * A {@link RegisterMessage} over the headers drachtio-srf has already parsed.
 * drachtio-srf's own `get(name)` normalises the name and then scans every
 * header name, lower-casing each, on every call; a REGISTER needs about eight
 * lookups, so this builds the case-insensitive index once (one pass) and
 * answers each lookup from it. Same result as `get`: the first header whose
 * name equals `name` ignoring case.
 */
export function headerView(req: ParsedRequest): RegisterMessage {
  const index = new Map<string, string>();
  const headers = req.headers;
  for (const name in headers) {
    const key = name.toLowerCase();
    if (!index.has(key)) index.set(key, headers[name]!);
  }
  return {
    method: req.method,
    uri: req.uri,
    source_address: req.source_address,
    source_port: req.source_port,
    protocol: req.protocol,
    get: (name: string) => index.get(name.toLowerCase()),
  };
}
