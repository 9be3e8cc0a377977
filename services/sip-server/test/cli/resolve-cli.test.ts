import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveCli } from '../../src/cli/resolve-cli.js';
import { resolveServerOptions } from '../../src/server-options.js';

const fx = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const noDefault = { defaultConfigFile: '/nonexistent/drachtio.conf.xml' };
const req = (method: string, headers: Record<string, string>) => ({
  method,
  uri: 'sip:service@127.0.0.1',
  get: (n: string) => headers[n.toLowerCase()],
});

describe('resolveCli', () => {
  it('with nothing given yields drachtio defaults', () => {
    const plan = resolveCli({ argv: [], ...noDefault });
    const o = resolveServerOptions(plan.serverOptions);
    expect(o.admin).toEqual({ address: '127.0.0.1', port: 9022, secret: 'cymru', authTimeout: 5000 });
    expect(o.contacts.map((c) => `${c.protocol}/${c.host}:${c.port}`)).toEqual(['udp/0.0.0.0:5060', 'tcp/0.0.0.0:5060']);
    expect(o.policy).toBeUndefined();
    expect(o.cdrs).toBe(false);
    expect(plan.metrics).toBeUndefined();
    expect(plan.configFile).toBeUndefined();
  });

  it('maps the edge limits: --app-auth-timeout, --tcp-message-timeout, --tcp-max-connections-per-address', () => {
    expect(resolveServerOptions(resolveCli({ argv: [], ...noDefault }).serverOptions).tcp).toEqual({
      messageTimeout: 20000,
      maxConnectionsPerAddress: 256,
    });
    const argv = ['--app-auth-timeout', '1500', '--tcp-message-timeout', '0', '--tcp-max-connections-per-address', '8'];
    const o = resolveServerOptions(resolveCli({ argv, ...noDefault }).serverOptions);
    expect(o.admin.authTimeout).toBe(1500);
    expect(o.tcp).toEqual({ messageTimeout: 0, maxConnectionsPerAddress: 8 });
    expect(() => resolveCli({ argv: ['--tcp-message-timeout', 'soon'], ...noDefault })).toThrow(/PBX_ERR_SIP_CLI_INVALID|whole number/);
    expect(() => resolveCli({ argv: ['--app-auth-timeout', '0'], ...noDefault })).toThrow(/milliseconds/);
  });

  it('maps the docker-compose style command line of the SRF test bed', () => {
    const plan = resolveCli({
      argv: ['--contact', 'sip:*;transport=udp', '--loglevel', 'info', '--sofia-loglevel', '3'],
      ...noDefault,
    });
    const o = resolveServerOptions(plan.serverOptions);
    expect(o.contacts).toEqual([{ protocol: 'udp', host: '0.0.0.0', port: 5060 }]);
    expect(o.logLevel).toBe('info');
    expect(plan.warnings).toEqual(['--sofia-loglevel is accepted but ignored']);
  });

  it('expands repeated contacts with their --external-ip', () => {
    const plan = resolveCli({
      argv: ['-c', 'sip:127.0.0.1:24030;transport=udp,tcp', '--external-ip', '192.0.2.1', '-c', 'sip:[::1]:24031;transport=tcp'],
      ...noDefault,
    });
    expect(plan.serverOptions.contacts).toEqual([
      { protocol: 'udp', host: '127.0.0.1', port: 24030, external: '192.0.2.1' },
      { protocol: 'tcp', host: '127.0.0.1', port: 24030, external: '192.0.2.1' },
      { protocol: 'tcp', host: '::1', port: 24031 },
    ]);
  });

  it('precedence: command line > environment > file > defaults', () => {
    const file = fx('full.conf.xml');
    const fromFile = resolveServerOptions(resolveCli({ argv: ['-f', file] }).serverOptions);
    expect(fromFile.admin).toEqual({ address: '127.0.0.1', port: 24022, secret: 's3cr3t', authTimeout: 5000 });
    expect(fromFile.timers).toEqual({ t1: 250, t2: 2000, t4: 2500 });
    expect(fromFile.logLevel).toBe('warn');
    expect(fromFile.metricsPort).toBe(24090);

    const env = { DRACHTIO_SECRET: 'from-env', DRACHTIO_ADMIN_TCP_PORT: '24025', DRACHTIO_LOGLEVEL: 'debug' };
    const withEnv = resolveServerOptions(resolveCli({ argv: ['-f', file], env }).serverOptions);
    expect(withEnv.admin).toEqual({ address: '127.0.0.1', port: 24025, secret: 'from-env', authTimeout: 5000 });
    expect(withEnv.logLevel).toBe('debug');

    const all = resolveCli({
      argv: ['-f', file, '--secret', 'from-cli', '--port', '24026', '--address', '::1', '--t1', '300', '-l', 'error'],
      env,
    });
    const o = resolveServerOptions(all.serverOptions);
    expect(o.admin).toEqual({ address: '::1', port: 24026, secret: 'from-cli', authTimeout: 5000 });
    expect(o.timers).toEqual({ t1: 300, t2: 2000, t4: 2500 });
    expect(o.logLevel).toBe('error');
    expect(all.configFile).toBe(file);
  });

  it('builds the policy from the file and the command line', () => {
    const plan = resolveCli({ argv: ['-f', fx('full.conf.xml'), '--user-agent-options-auto-respond', 'lb-check'] });
    const policy = plan.serverOptions.policy!;
    expect(policy(req('INVITE', { 'user-agent': 'friendly-scanner 1.0' }))).toEqual({ status: 603, reason: 'Decline' });
    expect(policy(req('OPTIONS', { 'user-agent': 'lb-check' }))).toEqual({ status: 200, reason: 'OK' });
    // The command line replaced the file's auto-respond value.
    expect(policy(req('OPTIONS', { 'user-agent': 'keepalive-probe/1.0' }))).toBeUndefined();
  });

  it('uses the stack variables SIP_PORT / DRACHTIO_PORT / METRICS_PORT / LOGLEVEL only below file and drachtio settings', () => {
    const env = { SIP_PORT: '24032', DRACHTIO_PORT: '24033', METRICS_PORT: '24034', LOGLEVEL: 'trace' };
    const bare = resolveCli({ argv: [], env, ...noDefault });
    const o = resolveServerOptions(bare.serverOptions);
    expect(o.admin.port).toBe(24033);
    expect(o.contacts).toEqual([
      { protocol: 'udp', host: '0.0.0.0', port: 24032 },
      { protocol: 'tcp', host: '0.0.0.0', port: 24032 },
    ]);
    expect(bare.metrics).toEqual({ address: '0.0.0.0', port: 24034 });
    expect(o.logLevel).toBe('debug');

    const withFile = resolveServerOptions(resolveCli({ argv: ['-f', fx('minimal.conf.xml')], env }).serverOptions);
    expect(withFile.admin.port).toBe(24023);
    expect(withFile.contacts).toEqual([{ protocol: 'tcp', host: '127.0.0.1', port: 24064 }]);

    const drachtioEnv = resolveCli({ argv: [], env: { ...env, DRACHTIO_ADMIN_TCP_PORT: '24035' }, ...noDefault });
    expect(drachtioEnv.serverOptions.admin?.port).toBe(24035);
    expect(() => resolveCli({ argv: [], env: { SIP_PORT: 'x' }, ...noDefault })).toThrow(/SIP_PORT/);
    expect(resolveServerOptions(resolveCli({ argv: [], env: { LOGLEVEL: 'chatty' }, ...noDefault }).serverOptions).logLevel).toBe('info');
    expect(resolveServerOptions(resolveCli({ argv: ['-l', 'error'], env, ...noDefault }).serverOptions).logLevel).toBe('error');
  });

  it('takes DRACHTIO_CONFIG_FILE_PATH and honours --noconfig', () => {
    const env = { DRACHTIO_CONFIG_FILE_PATH: fx('minimal.conf.xml') };
    expect(resolveServerOptions(resolveCli({ argv: [], env }).serverOptions).admin.secret).toBe('0123');
    const plan = resolveCli({ argv: ['--noconfig'], env });
    expect(plan.configFile).toBeUndefined();
    expect(resolveServerOptions(plan.serverOptions).admin.secret).toBe('cymru');
  });

  it('reads a test-bed style file: empty <contacts>, command-line contact, --memory-debug', () => {
    const plan = resolveCli({
      argv: ['-f', fx('testbed.conf.xml'), '--memory-debug', '--contact', 'sip:127.0.0.1:24029;transport=udp,tcp'],
    });
    const o = resolveServerOptions(plan.serverOptions);
    expect(o.admin).toEqual({ address: '127.0.0.1', port: 24027, secret: 'cymru', authTimeout: 5000 });
    expect(o.contacts.map((c) => `${c.protocol}/${c.host}:${c.port}`)).toEqual(['udp/127.0.0.1:24029', 'tcp/127.0.0.1:24029']);
    expect(o.logLevel).toBe('debug');
    expect(plan.metrics).toEqual({ address: '127.0.0.1', port: 24028 });
    expect(o.policy!(req('OPTIONS', { 'user-agent': 'JsSIP 3.8.2' }))).toEqual({ status: 200, reason: 'OK' });
    expect(o.policy!(req('INVITE', { 'user-agent': 'sipcli/v1.8' }))).toEqual({ status: 603, reason: 'Decline' });
    const w = plan.warnings.join('\n');
    for (const s of ['--memory-debug', '<session-timers>', '<udp-mtu>', 'without name']) expect(w).toContain(s);
    expect(o.cdrs).toBe(true);
  });

  it('reads the default file only when it exists', () => {
    const plan = resolveCli({ argv: [], defaultConfigFile: fx('minimal.conf.xml') });
    expect(plan.configFile).toBe(fx('minimal.conf.xml'));
    expect(() => resolveCli({ argv: ['-f', '/nonexistent/x.xml'] })).toThrow(
      expect.objectContaining({ code: 'PBX_ERR_SIP_CONFIG_FILE' }),
    );
  });

  it('accepts every drachtio option, warning once for each ignored one', () => {
    const plan = resolveCli({
      argv: ['--daemon', '--homer', '10.0.0.1:9060', '--homer-id', '7', '--mtu', '1400', '--always-send-180', '--min-expires', '60', '--frobnicate'],
      ...noDefault,
    });
    expect(plan.warnings).toEqual([
      'ignoring unknown option --frobnicate',
      '--daemon is not supported by this server; ignored',
      '--homer is not supported by this server; ignored',
      '--homer-id is not supported by this server; ignored',
      '--mtu is not supported by this server; ignored',
      '--always-send-180 is not supported by this server; ignored',
      '--min-expires is not supported by this server; ignored',
    ]);
  });

  it('--help and --version short-circuit', () => {
    expect(resolveCli({ argv: ['--port', '1', '-h'] }).exit).toBe('help');
    expect(resolveCli({ argv: ['-v'] }).exit).toBe('version');
  });

  it('maps --prometheus-scrape-port host:port', () => {
    const plan = resolveCli({ argv: ['--prometheus-scrape-port', '127.0.0.1:24091'], ...noDefault });
    expect(plan.metrics).toEqual({ address: '127.0.0.1', port: 24091 });
    expect(plan.serverOptions.metricsPort).toBe(24091);
  });

  it.each([
    [['--port', 'abc'], /--port: "abc" is not a port number/],
    [['--loglevel', 'loud'], /valid choices are notice, error, warning, info, debug/],
    [['--sofia-loglevel', '12'], /valid choices 0-9/],
    [['--external-ip', '1.2.3.4'], /must follow a --contact/],
    [['-c', 'sip:*', '-x', '1.1.1.1', '-x', '2.2.2.2'], /given twice/],
    [['--t1', '0'], /positive number of milliseconds/],
    [['--contact', 'sip:host:1;transport=carrier-pigeon'], /unknown transport/],
    [['--secret', ''], /empty secret/],
  ])('%j is a clear error', (argv, msg) => {
    expect(() => resolveCli({ argv, ...noDefault })).toThrow(msg);
  });

  it('rejects a bad environment value', () => {
    expect(() => resolveCli({ argv: [], env: { DRACHTIO_ADMIN_TCP_PORT: 'x' }, ...noDefault })).toThrow(
      /DRACHTIO_ADMIN_TCP_PORT/,
    );
  });

  it.each([
    ['DRACHTIO_ADMIN_TCP_PORT', 'x', 'invalid DRACHTIO_ADMIN_TCP_PORT: "x" is not a port number (0-65535)'],
    ['DRACHTIO_LOGLEVEL', 'chatty', 'invalid DRACHTIO_LOGLEVEL: "chatty": valid choices are notice, error, warning, info, debug'],
    ['DRACHTIO_PROMETHEUS_SCRAPE_PORT', ':9', 'invalid DRACHTIO_PROMETHEUS_SCRAPE_PORT: ":9" has an empty host'],
    ['DRACHTIO_PORT', '90x22', 'invalid DRACHTIO_PORT: "90x22" is not a port number (0-65535)'],
    ['SIP_PORT', '99999', 'invalid SIP_PORT: "99999" is not a port number (0-65535)'],
    ['METRICS_PORT', 'm', 'invalid METRICS_PORT: "m" is not a port number (0-65535)'],
  ])('an invalid %s is PBX_ERR_ENV_INVALID, the code every service uses for its variables', (name, value, message) => {
    expect(() => resolveCli({ argv: [], env: { [name]: value }, ...noDefault })).toThrow(
      expect.objectContaining({ code: 'PBX_ERR_ENV_INVALID', message }),
    );
  });

  it('rejects a bad spammer regex in the file', () => {
    expect(() => resolveCli({ argv: ['-f', fx('bad-regex.conf.xml')] })).toThrow(
      expect.objectContaining({ code: 'PBX_ERR_SIP_POLICY_RULE' }),
    );
  });
});
