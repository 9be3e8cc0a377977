import type { ConfigFeed } from '../../src/model/config-feed.js';
import type { ConfigFile } from '../../src/model/config-file.js';
import type { ConfigLogger } from '../../src/config-source/config-logger.js';

// One configuration, served by every backend in the contract suite.

const HOOKS = 'http://127.0.0.1:3000';

export const FIXTURE: ConfigFeed = {
  domains: [
    {
      id: 1,
      domain: 'pbx.example.com',
      clients: [
        {
          id: 1,
          username: '1000',
          password: 'secret1000',
          dialplan: { '1???': `${HOOKS}/internal`, '0*': { callHook: `${HOOKS}/external`, statusHook: `${HOOKS}/status` } },
          codecs: ['PCMU', 'PCMA'],
          maxClients: 2,
        },
        { id: 2, username: '1???', password: 'secret', dialplan: { '*': `${HOOKS}/internal` } },
        { id: 3, username: '*', reghook: `${HOOKS}/reghook`, label: 'everyone else' },
      ],
      trunks: [
        {
          id: 10,
          name: 'carrier',
          inbound: ['90.155.3.0/24', '1.2.3.4'],
          outbound: { host: 'sip.carrier.example:5060', username: 'acct', password: 'outpw' },
          dialplan: { '*': `${HOOKS}/inbound` },
        },
        {
          id: 11,
          label: 'backup',
          inbound: ['2001:db8::/32'],
          authType: 'authentication',
          authUser: 'trunkuser',
          authPass: 'trunkpass',
        },
        {
          id: 12,
          name: 'reg',
          register: { host: 'reg.example.net', username: 'ru', password: 'rp', expires: 600 },
          options_ping: false,
        },
        { id: 13, label: 'feedreg', authType: 'registration', regHost: 'reg2.example.net', regUser: 'u2', regPass: 'p2' },
      ],
    },
    { id: 2, domain: '127.0.0.1', clients: [{ id: 4, username: '2???', password: 'x' }], trunks: [] },
  ],
};

/** The fixture after the edit every backend applies in the contract suite. */
export function editedFixture(): ConfigFeed {
  const feed = structuredClone(FIXTURE);
  feed.domains[0]!.trunks![0]!.inbound = ['5.6.7.0/24'];
  feed.domains.push({ id: 3, domain: 'new.example.com', clients: [], trunks: [] });
  return feed;
}

/** The same configuration in the json backend's file layout (docs/contract.md §2.1). */
export function toConfigFile(feed: ConfigFeed): ConfigFile & { accounts: unknown[] } {
  const domains: ConfigFile['domains'] = {};
  for (const d of structuredClone(feed.domains)) domains[d.domain] = { domain_id: d.id, clients: d.clients ?? [], trunks: d.trunks ?? [] };
  return { domains, accounts: [{ username: 'admin', password: 'ignored', api_key: 'ignored' }] };
}

export interface LogLine {
  level: string;
  obj: Record<string, unknown>;
  msg: string | undefined;
}

/** A logger that records its lines for assertions. */
export function captureLogger(): { logger: ConfigLogger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (obj: object, msg?: string) => {
    lines.push({ level, obj: obj as Record<string, unknown>, msg });
  };
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

/** A random lower-case suffix for schema, file and path names. */
export function randomId(): string {
  return Math.random().toString(36).slice(2, 10);
}
