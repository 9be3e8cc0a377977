import { PBX_ERR_SIP_CLI_INVALID } from './cli-errors.js';
import { type ContactSpec, parseContact } from './contact-spec.js';
import { type DrachtioSettings, mapLogLevel } from './drachtio-settings.js';
import { parseCount, parseHostPort, parseMillis, parsePort } from './parse-number.js';
import { tokenizeArgv } from './tokenize-argv.js';

/** What the command line asks for. */
export interface ArgvSettings {
  readonly settings: DrachtioSettings;
  /** `-f` / `--file`. */
  readonly configFile?: string;
  /** `--noconfig`. */
  readonly noConfig: boolean;
  readonly exit?: 'help' | 'version';
  readonly warnings: readonly string[];
}

/**
 * Applies drachtio-server's command-line semantics: `--external-ip` and
 * `--local-net` belong to the `--contact` before them (an error without one,
 * as in drachtio-server), later single-valued options win over earlier ones.
 */
export function argvSettings(argv: readonly string[]): ArgvSettings {
  const { options, warnings: tokWarnings } = tokenizeArgv(argv);
  const warnings = [...tokWarnings];
  const settings: DrachtioSettings = {};
  const contacts: ContactSpec[] = [];
  let pending: { text: string; external?: string; localNet?: string } | undefined;
  let configFile: string | undefined;
  let noConfig = false;
  let exit: ArgvSettings['exit'];
  const flushContact = (): void => {
    if (!pending) return;
    const parsed = parseContact(pending.text, '--contact', pending.external);
    warnings.push(...parsed.warnings);
    if (parsed.spec) contacts.push(parsed.spec);
    pending = undefined;
  };
  for (const { spec, value = '' } of options) {
    const name = `--${spec.long}`;
    switch (spec.long) {
      case 'help':
      case 'version':
        exit ??= spec.long;
        break;
      case 'file':
        configFile = value;
        break;
      case 'noconfig':
        noConfig = true;
        break;
      case 'port':
        settings.adminPort = parsePort(name, value);
        break;
      case 'address':
        if (value.trim() === '') throw new PBX_ERR_SIP_CLI_INVALID(name, 'empty address');
        settings.adminAddress = value.trim();
        break;
      case 'secret':
        if (value === '') throw new PBX_ERR_SIP_CLI_INVALID(name, 'empty secret');
        settings.secret = value;
        break;
      case 'contact':
        flushContact();
        pending = { text: value };
        break;
      case 'external-ip':
      case 'local-net': {
        if (!pending) throw new PBX_ERR_SIP_CLI_INVALID(name, 'must follow a --contact');
        const key = spec.long === 'external-ip' ? 'external' : 'localNet';
        if (pending[key] !== undefined) throw new PBX_ERR_SIP_CLI_INVALID(name, 'given twice for one --contact');
        pending[key] = value;
        if (key === 'localNet') warnings.push(`${name} is accepted but ignored`);
        break;
      }
      case 'loglevel': {
        const level = mapLogLevel(value);
        if (!level) {
          throw new PBX_ERR_SIP_CLI_INVALID(name, `"${value}": valid choices are notice, error, warning, info, debug`);
        }
        settings.logLevel = level;
        break;
      }
      case 'sofia-loglevel':
        if (!/^\d$/.test(value.trim())) throw new PBX_ERR_SIP_CLI_INVALID(name, `"${value}": valid choices 0-9`);
        warnings.push(`${name} is accepted but ignored`);
        break;
      case 'prometheus-scrape-port':
      case 'metrics-port':
        settings.metrics = parseHostPort(name, value);
        break;
      case 'user-agent-options-auto-respond':
        if (value === '') throw new PBX_ERR_SIP_CLI_INVALID(name, 'empty User-Agent');
        settings.optionsAutoRespond = [value];
        break;
      case 't1':
      case 't2':
      case 't4':
        settings.timers = { ...settings.timers, [spec.long]: parseMillis(name, value) };
        break;
      case 'app-auth-timeout':
        settings.adminAuthTimeout = parseMillis(name, value);
        break;
      case 'tcp-message-timeout':
        settings.tcpMessageTimeout = parseCount(name, value);
        break;
      case 'tcp-max-connections-per-address':
        settings.tcpMaxConnectionsPerAddress = parseCount(name, value);
        break;
      default:
        // Everything else in the table is 'ignore'.
        warnings.push(`${name} is not supported by this server; ignored`);
    }
  }
  flushContact();
  if (contacts.length > 0) settings.contacts = contacts;
  const out: ArgvSettings = { settings, noConfig, warnings };
  return { ...out, ...(configFile !== undefined && { configFile }), ...(exit && { exit }) };
}
