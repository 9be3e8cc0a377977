import { isIP } from 'node:net';
import { PBX_ERR_SIP_CLI_INVALID } from './cli-errors.js';

/** One `--contact` / `<contact>` after parsing, before expansion per transport. */
export interface ContactSpec {
  /** Transports to listen on; drachtio-server's default without `;transport=` is udp and tcp. */
  readonly protocols: ReadonlyArray<'udp' | 'tcp'>;
  /** Bind address; `*` becomes `0.0.0.0`. */
  readonly host: string;
  /** @defaultValue 5060 */
  readonly port: number;
  /** Advertised address (`--external-ip` / `external-ip="…"`). */
  readonly external?: string;
}

/** Result of {@link parseContact}: the spec plus warnings for parts we do not serve (tls, ws…). */
export interface ParsedContact {
  readonly spec: ContactSpec | undefined;
  readonly warnings: readonly string[];
}

/**
 * Parses a drachtio-server contact such as `sip:*;transport=udp`,
 * `sip:127.0.0.1:5090;transport=udp,tcp`, `sip:[::1]:5060` or `sips:*;transport=tls`.
 * Transports other than udp/tcp (tls, ws, wss, `sips:`) are warned about and
 * skipped; a contact left with no usable transport yields `spec: undefined`.
 * A syntactically broken contact throws `PBX_ERR_SIP_CLI_INVALID`.
 */
export function parseContact(text: string, where: string, external?: string): ParsedContact {
  const warnings: string[] = [];
  const raw = text.trim();
  const m = /^(?:(sips?):)?(\*|\[[0-9a-fA-F:.]+\]|[^:;[\]\s]+)(?::(\d+))?((?:;[^;\s]*)*)$/.exec(raw);
  if (!m) throw new PBX_ERR_SIP_CLI_INVALID(where, `"${text}" is not a SIP contact like sip:*:5060;transport=udp,tcp`);
  const scheme = (m[1] ?? 'sip').toLowerCase();
  let host = m[2]!;
  if (host.startsWith('[')) host = host.slice(1, -1);
  if (host === '*') host = '0.0.0.0';
  else if (isIP(host) === 0 && !/^[a-zA-Z0-9.-]+$/.test(host)) {
    throw new PBX_ERR_SIP_CLI_INVALID(where, `bad host in contact "${text}"`);
  }
  const port = m[3] === undefined ? 5060 : Number(m[3]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new PBX_ERR_SIP_CLI_INVALID(where, `bad port in contact "${text}"`);
  }
  let transports = ['udp', 'tcp'];
  for (const p of (m[4] ?? '').split(';').filter(Boolean)) {
    const [k, v = ''] = p.split('=');
    if (k?.toLowerCase() === 'transport') {
      transports = v.toLowerCase().split(',').map((s) => s.trim()).filter(Boolean);
      if (transports.length === 0) throw new PBX_ERR_SIP_CLI_INVALID(where, `empty transport in contact "${text}"`);
    } else {
      warnings.push(`${where}: ignoring unsupported contact parameter "${p}" in ${text}`);
    }
  }
  if (scheme === 'sips') {
    warnings.push(`${where}: TLS (sips:) is not supported; ignoring contact ${text}`);
    return { spec: undefined, warnings };
  }
  const protocols: Array<'udp' | 'tcp'> = [];
  for (const t of transports) {
    if (t === 'udp' || t === 'tcp') {
      if (!protocols.includes(t)) protocols.push(t);
    } else if (t === 'tls' || t === 'ws' || t === 'wss') {
      warnings.push(`${where}: transport ${t} is not supported; ignoring it in ${text}`);
    } else {
      throw new PBX_ERR_SIP_CLI_INVALID(where, `unknown transport "${t}" in contact "${text}"`);
    }
  }
  if (protocols.length === 0) return { spec: undefined, warnings };
  if (external !== undefined && external.trim() === '') {
    throw new PBX_ERR_SIP_CLI_INVALID(where, 'empty external-ip');
  }
  const spec: ContactSpec = external ? { protocols, host, port, external: external.trim() } : { protocols, host, port };
  return { spec: Object.freeze(spec), warnings };
}
