import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigSource } from '../../src/config-source/config-source.js';
import type { ConfigSnapshot, ConfigSourceKind } from '../../src/model/config-snapshot.js';
import type { LogLine } from './fixture.js';

/** A backend loaded with `FIXTURE`, not yet started. */
export interface ContractHarness {
  readonly source: ConfigSource;
  readonly lines: LogLine[];
  /** Changes the backing store from `FIXTURE` to `editedFixture()`. */
  edit(): Promise<void>;
  /** Closes the source and removes what the harness created. */
  close(): Promise<void>;
}

/** Resolves with the first `change` snapshot satisfying `ok`, or rejects after `ms`. */
export function nextChange(source: ConfigSource, ok: (s: ConfigSnapshot) => boolean, ms = 5000): Promise<ConfigSnapshot> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching change event within ${ms} ms`));
    }, ms);
    const off = source.on('change', (s) => {
      if (!ok(s)) return;
      clearTimeout(timer);
      off();
      resolve(s);
    });
  });
}

/** Resolves with the next `invalid` error, or rejects after `ms`. */
export function nextInvalid(source: ConfigSource, ms = 5000): Promise<{ code: string; message: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no invalid event within ${ms} ms`));
    }, ms);
    const off = source.on('invalid', (e) => {
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

/**
 * The behaviour every backend must share (docs/contract.md §2.5), run against one
 * fixture. The edit test runs last: it changes the store.
 */
export function configSourceContract(kind: ConfigSourceKind, make: () => Promise<ContractHarness>): void {
  describe(`ConfigSource contract (${kind})`, () => {
    let h: ContractHarness;
    let beforeStart: unknown;
    const D = 'pbx.example.com';

    beforeAll(async () => {
      h = await make();
      try {
        h.source.getDomain(D);
      } catch (err) {
        beforeStart = err;
      }
      await h.source.start();
    });
    afterAll(async () => {
      await h?.close();
    });

    it('refuses lookups before start', () => {
      expect((beforeStart as { code?: string }).code).toBe('PBX_ERR_CONFIG_NOT_LOADED');
    });

    it('exposes a frozen snapshot tagged with its backend', () => {
      const s = h.source.snapshot();
      expect(h.source.kind).toBe(kind);
      expect(s.source).toBe(kind);
      expect(s.version).toMatch(/^[0-9a-f]{16}$/);
      expect(Object.isFrozen(s.domains[D]!.trunks[0])).toBe(true);
    });

    it('getDomain returns the id or false, case-insensitively', () => {
      expect(h.source.getDomain(D)).toBe(1);
      expect(h.source.getDomain('PBX.Example.COM')).toBe(1);
      expect(h.source.getDomain('127.0.0.1')).toBe(2);
      expect(h.source.getDomain('unknown.example.com')).toBe(false);
    });

    it('listDomains lists every domain', () => {
      expect(h.source.listDomains().sort()).toEqual(['127.0.0.1', D]);
    });

    it('getRegHook returns the first client whose pattern matches', () => {
      const exact = h.source.getRegHook(D, '1000')!;
      expect(exact.id).toBe(1);
      expect(exact.password).toBe('secret1000');
      expect(exact.maxClients).toBe(2);
      expect(exact.codecs).toEqual(['PCMU', 'PCMA']);
      expect(exact.dialplan?.['0*']).toEqual({
        callHook: 'http://127.0.0.1:3000/external',
        statusHook: 'http://127.0.0.1:3000/status',
      });
      const four = h.source.getRegHook(D, '1234')!;
      expect(four.id).toBe(2);
      expect(four.maxClients).toBe(1);
      expect(h.source.getRegHook(D, '12345')?.id).toBe(3);
      const hooked = h.source.getRegHook(D, 'alice')!;
      expect(hooked.reghook).toBe('http://127.0.0.1:3000/reghook');
      expect(hooked.password).toBeUndefined();
      expect(h.source.getRegHook('127.0.0.1', '2001')?.id).toBe(4);
      expect(h.source.getRegHook('127.0.0.1', '3001')).toBeUndefined();
      expect(h.source.getRegHook('unknown.example.com', '1000')).toBeUndefined();
    });

    it('getTrunkByIP matches IPv4, IPv6 and IPv4-mapped addresses against CIDRs', () => {
      expect(h.source.getTrunkByIP(D, '90.155.3.77')?.id).toBe(10);
      expect(h.source.getTrunkByIP(D, '1.2.3.4')?.id).toBe(10);
      expect(h.source.getTrunkByIP(D, '::ffff:90.155.3.1')?.id).toBe(10);
      expect(h.source.getTrunkByIP(D, '2001:db8::5')?.id).toBe(11);
      expect(h.source.getTrunkByIP(D, '[2001:db8::5]')?.id).toBe(11);
      expect(h.source.getTrunkByIP(D, '1.2.3.5')).toBeUndefined();
      expect(h.source.getTrunkByIP(D, '90.155.4.1')).toBeUndefined();
      expect(h.source.getTrunkByIP(D, 'not-an-ip')).toBeUndefined();
      expect(h.source.getTrunkByIP('127.0.0.1', '90.155.3.77')).toBeUndefined();
    });

    it('getTrunkById and getTrunkByName (name or label)', () => {
      const t = h.source.getTrunkById(D, 10)!;
      expect(t.outbound).toEqual({ host: 'sip.carrier.example:5060', username: 'acct', password: 'outpw' });
      expect(t.options_ping).toBe(true);
      expect(h.source.getTrunkById(D, 99)).toBeUndefined();
      expect(h.source.getTrunkByName(D, 'carrier')?.id).toBe(10);
      expect(h.source.getTrunkByName(D, 'backup')?.id).toBe(11);
      expect(h.source.getTrunkByName(D, 'nope')).toBeUndefined();
    });

    it('getAuthTrunks, getRegTrunks and getTrunks', () => {
      expect(h.source.getAuthTrunks(D).map((t) => [t.id, t.authUser, t.authPass])).toEqual([[11, 'trunkuser', 'trunkpass']]);
      const reg = h.source.getRegTrunks(D);
      expect(reg.map((t) => t.id)).toEqual([12, 13]);
      expect(reg[0]!.register).toEqual({ host: 'reg.example.net', username: 'ru', password: 'rp', expires: 600 });
      expect(reg[0]!.options_ping).toBe(false);
      expect(reg[1]!.register).toEqual({ host: 'reg2.example.net', username: 'u2', password: 'p2' });
      expect(h.source.getTrunks(D).map((t) => t.id)).toEqual([10, 11, 12, 13]);
      expect(h.source.getTrunks('127.0.0.1')).toEqual([]);
      expect(h.source.getTrunks('unknown.example.com')).toEqual([]);
    });

    it('an edit shows up as a change event and in lookups; a throwing listener is contained', async () => {
      const before = h.source.snapshot().version;
      h.source.on('change', () => {
        throw new Error('listener bug');
      });
      const changed = nextChange(h.source, (s) => Object.hasOwn(s.domains, 'new.example.com'));
      await h.edit();
      const s = await changed;
      expect(s.version).not.toBe(before);
      expect(h.source.snapshot()).toBe(s);
      expect(h.source.getDomain('new.example.com')).toBe(3);
      expect(h.source.getTrunkByIP(D, '5.6.7.8')?.id).toBe(10);
      expect(h.source.getTrunkByIP(D, '90.155.3.77')).toBeUndefined();
      expect(h.lines.some((l) => l.level === 'error' && l.msg === 'config listener threw')).toBe(true);
    });
  });
}
