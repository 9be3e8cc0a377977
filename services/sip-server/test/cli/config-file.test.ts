import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readConfigFile } from '../../src/cli/config-file.js';

const fx = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe('drachtio.conf.xml subset', () => {
  it('maps admin, contacts, timers, spammers, auto-respond, loglevel and prometheus', () => {
    const { settings, warnings } = readConfigFile(fx('full.conf.xml'));
    expect(settings.adminPort).toBe(24022);
    expect(settings.secret).toBe('s3cr3t');
    expect(settings.adminAddress).toBe('127.0.0.1');
    expect(settings.contacts).toEqual([
      { protocols: ['udp', 'tcp'], host: '127.0.0.1', port: 24060 },
      { protocols: ['udp'], host: '127.0.0.1', port: 24062, external: '203.0.113.7' },
    ]);
    expect(settings.timers).toEqual({ t1: 250, t2: 2000, t4: 2500 });
    expect(settings.spammers).toEqual({
      action: 'reject',
      tcpAction: 'discard',
      headers: [
        { name: 'User-Agent', values: ['sip-cli', 'friendly-scanner', '/^sipvicious/i'] },
        { name: 'To', values: ['sipvicious'] },
      ],
    });
    expect(settings.optionsAutoRespond).toEqual(['keepalive-probe/1.0']);
    expect(settings.logLevel).toBe('warn');
    expect(settings.metrics).toEqual({ address: '127.0.0.1', port: 24090 });
    expect(settings.cdrs).toBe(true);
    // One warning per ignored item, each naming it.
    const joined = warnings.join('\n');
    for (const w of ['TLS (sips:)', 'transport ws', '<outbound-proxy>', 'without name']) {
      expect(joined).toContain(w);
    }
    expect(joined).not.toContain('t1x64'); // 16000 = 64*250: consistent, nothing to say
  });

  it('keeps a numeric-looking secret as a string and reads the single <contact> form', () => {
    const { settings } = readConfigFile(fx('minimal.conf.xml'));
    expect(settings.secret).toBe('0123');
    expect(settings.cdrs).toBeUndefined();
    expect(settings.contacts).toEqual([{ protocols: ['tcp'], host: '127.0.0.1', port: 24064 }]);
  });

  it('accepts a file without <admin> (with a warning) and IPv6 contacts', () => {
    const { settings, warnings } = readConfigFile(fx('no-admin.conf.xml'));
    expect(settings.adminPort).toBeUndefined();
    expect(settings.contacts).toEqual([{ protocols: ['udp'], host: '::1', port: 24066 }]);
    expect(settings.logLevel).toBe('debug');
    expect(warnings.some((w) => w.includes('no <admin>'))).toBe(true);
  });

  it.each([
    ['missing.conf.xml', 'PBX_ERR_SIP_CONFIG_FILE', /ENOENT/],
    ['malformed.conf.xml', 'PBX_ERR_SIP_CONFIG_FILE', /line \d+/],
    ['wrong-root.conf.xml', 'PBX_ERR_SIP_CONFIG_FILE', /<drachtio>/],
    ['bad-port.conf.xml', 'PBX_ERR_SIP_CLI_INVALID', /not a port number/],
    ['bad-loglevel.conf.xml', 'PBX_ERR_SIP_CLI_INVALID', /valid choices/],
    ['bad-contact.conf.xml', 'PBX_ERR_SIP_CLI_INVALID', /unknown transport "sctp"/],
  ])('%s → %s', (file, code, msg) => {
    let err: unknown;
    try {
      readConfigFile(fx(file));
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code });
    expect((err as Error).message).toMatch(msg);
  });
});
