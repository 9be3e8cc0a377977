import { PBX_ERR_SIP_CLI_INVALID } from './cli-errors.js';

/** Parses a decimal port 0–65535 (0 = ephemeral, for tests) or throws a CLI error naming `where`. */
export function parsePort(where: string, text: string): number {
  const t = text.trim();
  if (!/^\d{1,5}$/.test(t) || Number(t) > 65535) {
    throw new PBX_ERR_SIP_CLI_INVALID(where, `"${text}" is not a port number (0-65535)`);
  }
  return Number(t);
}

/** Parses a positive integer number of milliseconds or throws a CLI error naming `where`. */
export function parseMillis(where: string, text: string): number {
  const t = text.trim();
  if (!/^\d{1,9}$/.test(t) || Number(t) === 0) {
    throw new PBX_ERR_SIP_CLI_INVALID(where, `"${text}" is not a positive number of milliseconds`);
  }
  return Number(t);
}

/** Parses a count or duration where 0 means "off" (an integer 0–999999999) or throws a CLI error naming `where`. */
export function parseCount(where: string, text: string): number {
  const t = text.trim();
  if (!/^\d{1,9}$/.test(t)) throw new PBX_ERR_SIP_CLI_INVALID(where, `"${text}" is not a whole number (0 = off)`);
  return Number(t);
}

/** Parses `[host:]port` (drachtio `--prometheus-scrape-port`); the host defaults to `0.0.0.0`. */
export function parseHostPort(where: string, text: string): { address: string; port: number } {
  const t = text.trim();
  const idx = t.lastIndexOf(':');
  if (idx < 0) return { address: '0.0.0.0', port: parsePort(where, t) };
  let address = t.slice(0, idx);
  if (address.startsWith('[') && address.endsWith(']')) address = address.slice(1, -1);
  if (address.length === 0) throw new PBX_ERR_SIP_CLI_INVALID(where, `"${text}" has an empty host`);
  return { address, port: parsePort(where, t.slice(idx + 1)) };
}
