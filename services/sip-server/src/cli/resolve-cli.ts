import { existsSync } from 'node:fs';
import { compilePolicy } from '../policy/compile-policy.js';
import { createPolicy, type PolicyObserver } from '../policy/create-policy.js';
import type { ServerOptionsInput, SipContactOptions } from '../server-options.js';
import { argvSettings } from './argv-settings.js';
import { type FileSettings, readConfigFile } from './config-file.js';
import type { DrachtioSettings } from './drachtio-settings.js';
import { envSettings, projectEnvSettings } from './env-settings.js';

/** drachtio-server reads this file when no `-f` is given; we do too, if it exists. */
export const DEFAULT_CONFIG_FILE = '/etc/drachtio.conf.xml';

/** Inputs of {@link resolveCli}, passed in so tests need no real process state. */
export interface CliInputs {
  /** Arguments after the script name. */
  readonly argv: readonly string[];
  /** @defaultValue `{}` */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Told about every spammer / auto-respond decision (logging, metrics). */
  readonly policyObserver?: PolicyObserver;
  /** @defaultValue {@link DEFAULT_CONFIG_FILE} */
  readonly defaultConfigFile?: string;
  /** @defaultValue `readConfigFile` */
  readonly readConfig?: (path: string) => FileSettings;
}

/** What the process should do. */
export interface CliPlan {
  /** Set when the command line asked for `--help` / `--version`. */
  readonly exit?: 'help' | 'version';
  /** Ready for `new SipServer(…)`. */
  readonly serverOptions: ServerOptionsInput;
  /** Metrics/health listener address and port; undefined → off. */
  readonly metrics?: { readonly address: string; readonly port: number };
  /** The configuration file that was read, if any. */
  readonly configFile?: string;
  /** One line per ignored option, variable or element. */
  readonly warnings: readonly string[];
}

function pick<K extends keyof DrachtioSettings>(layers: DrachtioSettings[], key: K): DrachtioSettings[K] {
  for (const l of layers) if (l[key] !== undefined) return l[key];
  return undefined;
}

/**
 * Resolves command line > drachtio environment variables > config file >
 * Dragon PBX variables (`SIP_PORT`, `DRACHTIO_PORT`, `METRICS_PORT`) > defaults into server
 * options. Throws `PBX_ERR_SIP_CLI_INVALID` / `PBX_ERR_SIP_CONFIG_FILE` /
 * `PBX_ERR_SIP_POLICY_RULE` on the first bad value; the caller prints it on
 * one line and exits 1.
 */
export function resolveCli(inputs: CliInputs): CliPlan {
  const cli = argvSettings(inputs.argv);
  if (cli.exit) return { exit: cli.exit, serverOptions: {}, warnings: cli.warnings };
  const env = envSettings(inputs.env ?? {});
  const warnings = [...cli.warnings, ...env.warnings];
  const read = inputs.readConfig ?? readConfigFile;
  let configFile: string | undefined;
  let file: DrachtioSettings = {};
  if (!cli.noConfig) {
    const explicit = cli.configFile ?? env.configFile;
    const fallback = inputs.defaultConfigFile ?? DEFAULT_CONFIG_FILE;
    configFile = explicit ?? (existsSync(fallback) ? fallback : undefined);
    if (configFile !== undefined) {
      const f = read(configFile);
      file = f.settings;
      warnings.push(...f.warnings);
    }
  }
  const layers = [cli.settings, env.settings, file, projectEnvSettings(inputs.env ?? {})];

  const contacts: SipContactOptions[] | undefined = pick(layers, 'contacts')?.flatMap((c) =>
    c.protocols.map((protocol) => ({
      protocol,
      host: c.host,
      port: c.port,
      ...(c.external !== undefined && { external: c.external }),
    })),
  );
  const timers = { ...file.timers, ...env.settings.timers, ...cli.settings.timers };
  const policy = createPolicy(
    compilePolicy({
      ...(file.spammers && { spammers: file.spammers }),
      ...(pick(layers, 'optionsAutoRespond') && { optionsAutoRespond: pick(layers, 'optionsAutoRespond') }),
    }),
    inputs.policyObserver,
  );
  const metrics = pick(layers, 'metrics');
  const admin: NonNullable<ServerOptionsInput['admin']> = {};
  const address = pick(layers, 'adminAddress');
  const port = pick(layers, 'adminPort');
  const secret = pick(layers, 'secret');
  if (address !== undefined) admin.address = address;
  if (port !== undefined) admin.port = port;
  if (secret !== undefined) admin.secret = secret;
  const authTimeout = pick(layers, 'adminAuthTimeout');
  if (authTimeout !== undefined) admin.authTimeout = authTimeout;
  const tcp: NonNullable<ServerOptionsInput['tcp']> = {};
  const messageTimeout = pick(layers, 'tcpMessageTimeout');
  if (messageTimeout !== undefined) tcp.messageTimeout = messageTimeout;
  const perAddress = pick(layers, 'tcpMaxConnectionsPerAddress');
  if (perAddress !== undefined) tcp.maxConnectionsPerAddress = perAddress;
  const logLevel = pick(layers, 'logLevel');
  const cdrs = pick(layers, 'cdrs');

  const serverOptions: ServerOptionsInput = {
    admin,
    timers,
    tcp,
    ...(contacts && contacts.length > 0 && { contacts }),
    ...(policy && { policy }),
    ...(logLevel && { logLevel }),
    ...(cdrs !== undefined && { cdrs }),
    ...(metrics && { metricsPort: metrics.port }),
  };
  return {
    serverOptions,
    warnings,
    ...(metrics && { metrics }),
    ...(configFile !== undefined && { configFile }),
  };
}
