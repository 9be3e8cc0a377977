import { readFileSync } from 'node:fs';
import { PBX_ERR_SIP_CLI_INVALID, PBX_ERR_SIP_CONFIG_FILE } from './cli-errors.js';
import { type ContactSpec, parseContact } from './contact-spec.js';
import { attrOf, childNames, childOf, childrenOf, parseConfigXml, textOf } from './config-xml.js';
import { type DrachtioSettings, mapLogLevel } from './drachtio-settings.js';
import { parseMillis, parsePort } from './parse-number.js';

/** Settings read from a drachtio.conf.xml, plus warnings for what we ignore. */
export interface FileSettings {
  readonly settings: DrachtioSettings;
  readonly warnings: readonly string[];
}

const KNOWN_TOP = new Set(['admin', 'sip', 'cdrs', 'logging', 'monitoring', 'request-handlers']);
const KNOWN_SIP = new Set([
  'contacts',
  'contact',
  'timers',
  'spammers',
  'user-agent-options-auto-respond',
]);

/** Reads `path` and maps it; I/O and XML errors throw `PBX_ERR_SIP_CONFIG_FILE`. */
export function readConfigFile(path: string): FileSettings {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new PBX_ERR_SIP_CONFIG_FILE(path, (err as NodeJS.ErrnoException).code ?? (err as Error).message);
  }
  return configFromXml(text, path);
}

/**
 * Maps the subset of drachtio.conf.xml this server implements: `<admin>`,
 * `<sip><contacts>`, `<sip><timers>`, `<sip><spammers>`,
 * `<sip><user-agent-options-auto-respond>`, `<cdrs>`, `<logging><loglevel>`,
 * `<monitoring><prometheus>`. Everything else gets one warning.
 */
export function configFromXml(text: string, where: string): FileSettings {
  const root = parseConfigXml(text, where);
  const warnings: string[] = [];
  const s: DrachtioSettings = {};
  const bad = (path: string, msg: string) => new PBX_ERR_SIP_CLI_INVALID(`${where}: ${path}`, msg);

  for (const name of childNames(root)) {
    if (!KNOWN_TOP.has(name)) warnings.push(`${where}: ignoring unknown element <${name}>`);
  }

  const admin = childOf(root, 'admin');
  if (admin === undefined) {
    warnings.push(`${where}: no <admin> element; using admin defaults`);
  } else {
    const port = attrOf(admin, 'port');
    if (port !== undefined) s.adminPort = parsePort(`${where}: <admin port>`, port);
    const secret = attrOf(admin, 'secret');
    if (secret !== undefined) {
      if (secret === '') throw bad('<admin secret>', 'empty secret');
      s.secret = secret;
    }
    const address = textOf(admin) || attrOf(admin, 'address');
    if (address) s.adminAddress = address;
    for (const a of ['tls-port', 'tls', 'tcp-keepalive']) {
      if (attrOf(admin, a) !== undefined) warnings.push(`${where}: <admin ${a}> is not supported; ignored`);
    }
  }

  const sip = childOf(root, 'sip');
  for (const name of childNames(sip)) {
    if (!KNOWN_SIP.has(name)) warnings.push(`${where}: <sip><${name}> is not supported; ignored`);
  }
  const contacts: ContactSpec[] = [];
  const addContact = (node: unknown, path: string): void => {
    const parsed = parseContact(textOf(node), `${where}: ${path}`, attrOf(node, 'external-ip'));
    warnings.push(...parsed.warnings);
    if (parsed.spec) contacts.push(parsed.spec);
    if (attrOf(node, 'local-net') !== undefined || attrOf(node, 'dns-names') !== undefined) {
      warnings.push(`${where}: ${path} local-net/dns-names are accepted but ignored`);
    }
  };
  const single = childOf(sip, 'contact');
  if (single !== undefined) addContact(single, '<sip><contact>');
  else for (const c of childrenOf(childOf(sip, 'contacts'), 'contact')) addContact(c, '<contact>');
  if (contacts.length > 0) s.contacts = contacts;

  const timers = childOf(sip, 'timers');
  if (timers !== undefined) {
    const t: NonNullable<DrachtioSettings['timers']> = {};
    for (const k of ['t1', 't2', 't4'] as const) {
      const v = childOf(timers, k);
      if (v !== undefined) t[k] = parseMillis(`${where}: <timers><${k}>`, textOf(v));
    }
    const x64 = childOf(timers, 't1x64');
    if (x64 !== undefined) {
      const v = parseMillis(`${where}: <timers><t1x64>`, textOf(x64));
      if (v !== 64 * (t.t1 ?? 500)) warnings.push(`${where}: <t1x64> is always 64*T1 here; ignoring ${v}`);
    }
    s.timers = t;
  }

  const spammers = childOf(sip, 'spammers');
  if (spammers !== undefined) {
    const headers: Array<{ name: string; values: string[] }> = [];
    for (const h of childrenOf(spammers, 'header')) {
      const name = attrOf(h, 'name');
      const values = childrenOf(h, 'value').map(textOf);
      // drachtio-server skips a <header> without a name; say so instead of silently.
      if (!name) warnings.push(`${where}: <spammers><header> without name="…" ignored`);
      else headers.push({ name, values });
    }
    s.spammers = {
      headers,
      ...(attrOf(spammers, 'action') !== undefined && { action: attrOf(spammers, 'action') }),
      ...(attrOf(spammers, 'tcp-action') !== undefined && { tcpAction: attrOf(spammers, 'tcp-action') }),
    };
  }

  const ua = childrenOf(sip, 'user-agent-options-auto-respond').map(textOf).filter(Boolean);
  if (ua.length > 0) s.optionsAutoRespond = ua;

  if (childOf(root, 'request-handlers') !== undefined) {
    warnings.push(`${where}: <request-handlers> (outbound mode) are not supported; ignored`);
  }
  // drachtio-server: CDRs are on for "true" or "yes", off for anything else.
  const cdrsNode = childOf(root, 'cdrs');
  if (cdrsNode !== undefined) {
    const cdrs = textOf(cdrsNode).toLowerCase();
    s.cdrs = cdrs === 'true' || cdrs === 'yes';
  }

  const logging = childOf(root, 'logging');
  const level = childOf(logging, 'loglevel');
  if (level !== undefined) {
    const mapped = mapLogLevel(textOf(level));
    if (!mapped) throw bad('<loglevel>', `"${textOf(level)}": valid choices are notice, error, warning, info, debug`);
    s.logLevel = mapped;
  }

  const prom = childOf(childOf(root, 'monitoring'), 'prometheus');
  if (prom !== undefined) {
    const port = attrOf(prom, 'port');
    if (port === undefined) throw bad('<prometheus>', 'port="…" attribute is required');
    s.metrics = { address: textOf(prom) || '0.0.0.0', port: parsePort(`${where}: <prometheus port>`, port) };
  }
  return { settings: s, warnings };
}
