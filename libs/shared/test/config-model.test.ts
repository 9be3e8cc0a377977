import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { snapshotFromFeed } from '../src/config-source/snapshot-from-feed.js';
import { snapshotFromFile } from '../src/config-source/snapshot-from-file.js';
import { FIXTURE, toConfigFile } from './config-source/fixture.js';

const feed = (domains: unknown[]) => JSON.stringify({ domains });
const oneDomain = (extra: Record<string, unknown>) => feed([{ id: 1, domain: 'pbx.example.com', ...extra }]);
const invalid = (text: string) => {
  try {
    snapshotFromFeed(text, 'feed');
  } catch (err) {
    return err as Error & { code: string };
  }
  throw new Error('expected PBX_ERR_CONFIG_INVALID');
};

describe('config model: file and feed normalise to the same snapshot', () => {
  it('the json layout and the api layout of one configuration give equal domains and version', () => {
    const fromFeed = snapshotFromFeed(JSON.stringify(FIXTURE), 'feed');
    const fromFile = snapshotFromFile(JSON.stringify(toConfigFile(FIXTURE)), 'file');
    expect(fromFile.domains).toEqual(fromFeed.domains);
    expect(fromFile.version).toBe(fromFeed.version);
    expect(fromFile.source).toBe('json');
    expect(fromFeed.source).toBe('api');
  });

  it('the example config used by npm start is valid', () => {
    const file = fileURLToPath(new URL('../../../config/config.json', import.meta.url));
    const s = snapshotFromFile(readFileSync(file, 'utf8'), file);
    expect(Object.keys(s.domains).sort()).toEqual(['127.0.0.1', 'localhost']);
    expect(s.domains['127.0.0.1']!.clients.map((c) => Boolean(c.reghook))).toEqual([false, false, true]);
    expect(s.domains['127.0.0.1']!.trunks[0]!.inbound).toEqual(['127.0.0.2/32']);
  });

  it('drops nulls and blanks, applies defaults, lower-cases domain names', () => {
    const s = snapshotFromFeed(
      feed([
        {
          id: 7,
          domain: 'PBX.Example.COM',
          clients: [{ id: 1, username: '1???', reghook: null, password: 'pw', label: '', maxClients: null, codecs: null }],
          trunks: [{ id: 2, label: 'T', inbound: [' 10.0.0.0/8 '], outbound: { host: '', username: null }, options_ping: null }],
        },
      ]),
      'feed',
    );
    const d = s.domains['pbx.example.com']!;
    expect(d.name).toBe('pbx.example.com');
    expect(d.clients[0]).toEqual({ id: 1, username: '1???', password: 'pw', maxClients: 1 });
    expect(d.trunks[0]).toEqual({ id: 2, label: 'T', inbound: ['10.0.0.0/8'], options_ping: true });
    expect(Object.isFrozen(d.clients[0])).toBe(true);
  });

  it('a client needs a reghook or a password', () => {
    const err = invalid(oneDomain({ clients: [{ id: 1, username: '1000', reghook: null, password: '' }] }));
    expect(err.code).toBe('PBX_ERR_CONFIG_INVALID');
    expect(err.message).toBe('feed: /domains/0/clients/0: client needs a reghook or a password');
  });

  it('bad username patterns and dialplan keys are named by path', () => {
    const err = invalid(
      oneDomain({ clients: [{ id: 1, username: '1{2', password: 'x', dialplan: { 'a}': 'http://h/x', ok: 'http://h/y' } }] }),
    );
    expect(err.message).toContain('/domains/0/clients/0/username: invalid pattern "1{2"');
    expect(err.message).toContain('/domains/0/clients/0/dialplan/a}: invalid pattern "a}"');
    expect(err.message).not.toContain('/dialplan/ok');
  });

  it('a dialplan value must be a URL or {callHook, statusHook}', () => {
    const err = invalid(oneDomain({ clients: [{ id: 1, username: '1', password: 'x', dialplan: { '1': { statusHook: 'http://h' } } }] }));
    expect(err.message).toContain('/domains/0/clients/0/dialplan/1');
  });

  it('authType "authentication" needs authUser and authPass; other authTypes drop them', () => {
    const err = invalid(oneDomain({ trunks: [{ id: 1, authType: 'authentication', authUser: 'u' }] }));
    expect(err.message).toBe('feed: /domains/0/trunks/0/authPass: authenticating trunk needs authPass');
    const s = snapshotFromFeed(oneDomain({ trunks: [{ id: 1, authType: 'ip', authUser: 'u', authPass: 'p' }] }), 'feed');
    expect(s.domains['pbx.example.com']!.trunks[0]!.authUser).toBeUndefined();
  });

  it('a json trunk with authUser and authPass but no authType authenticates', () => {
    const s = snapshotFromFeed(oneDomain({ trunks: [{ id: 1, authUser: 'u', authPass: 'p' }] }), 'feed');
    expect(s.domains['pbx.example.com']!.trunks[0]).toMatchObject({ authUser: 'u', authPass: 'p' });
  });

  it('a register object wins over regHost/regUser/regPass', () => {
    const s = snapshotFromFeed(
      oneDomain({
        trunks: [{ id: 1, authType: 'registration', regHost: 'a', regUser: 'b', regPass: 'c', register: { host: 'h', username: 'u', password: 'p' } }],
      }),
      'feed',
    );
    expect(s.domains['pbx.example.com']!.trunks[0]!.register).toEqual({ host: 'h', username: 'u', password: 'p' });
  });

  it('duplicate domains, domain ids, client ids and trunk ids are refused', () => {
    const err = invalid(
      feed([
        { id: 1, domain: 'a.example', clients: [{ id: 1, username: '1', password: 'x' }, { id: 1, username: '2', password: 'x' }] },
        { id: 1, domain: 'A.example', trunks: [{ id: 5 }, { id: 5 }] },
      ]),
    );
    expect(err.message).toContain('/domains/1: duplicate domain id 1');
    expect(err.message).toContain('/domains/1: duplicate domain "a.example"');
    expect(err.message).toContain('/domains/0/clients/1/id: duplicate client id 1');
    expect(err.message).toContain('/domains/1/trunks/1/id: duplicate trunk id 5');
  });

  it('odd domain names are refused; `__proto__` stays data', () => {
    expect(invalid(feed([{ id: 1, domain: 'user@host' }])).message).toContain('invalid domain name "user@host"');
    const s = snapshotFromFile('{"domains":{"__proto__":{"domain_id":9}}}', 'file');
    expect(Object.keys(s.domains)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(s.domains, '__proto__')?.value.id).toBe(9);
  });

  it('the feed must be an object with a domains array; UI extras are ignored', () => {
    expect(invalid('[]').message).toBe('feed: /: expected object');
    expect(invalid('{}').message).toBe('feed: /domains: required property missing');
    expect(invalid('{"domains": {}}').message).toContain('/domains: expected array');
    const s = snapshotFromFeed(JSON.stringify({ ...FIXTURE, count: 2, users: [], createdAt: 'x' }), 'feed');
    expect(Object.keys(s.domains)).toHaveLength(2);
  });

  it('a JSON syntax error gives line and column but never echoes the text (it may hold a password)', () => {
    const text = '{\n  "domains": {\n    "a": {"domain_id": 1, "clients": [{"password": "hunter2" "id": 1}]}\n  }\n}';
    const err = (() => {
      try {
        snapshotFromFile(text, 'cfg.json');
      } catch (e) {
        return e as Error & { code: string };
      }
      throw new Error('expected an error');
    })();
    expect(err.code).toBe('PBX_ERR_CONFIG_INVALID');
    expect(err.message).toBe('cfg.json: not valid JSON: syntax error at line 3, column 62');
    expect(invalid('<html>hunter2</html>').message).toBe('feed: not valid JSON: syntax error');
    expect(invalid('').message).toBe('feed: not valid JSON: empty document');
  });

  it('a file whose domain_id is missing names the path', () => {
    expect(() => snapshotFromFile('{"domains":{"x.example":{}}}', 'cfg.json')).toThrow(
      'cfg.json: /domains/x.example/domain_id: required property missing',
    );
  });
});
