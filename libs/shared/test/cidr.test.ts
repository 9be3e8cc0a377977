import { describe, expect, it } from 'vitest';
import { parseCidr } from '../src/cidr/cidr-block.js';
import { compileCidrs } from '../src/cidr/compile-cidrs.js';
import { parseIp } from '../src/cidr/parse-ip.js';
import { PbxError } from '../src/errors/pbx-error.js';

function errorOf(fn: () => unknown): PbxError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PbxError) return e;
    throw e;
  }
  throw new Error('expected a PbxError');
}

describe('parseIp', () => {
  const same: [string, string][] = [
    ['::1', '0:0:0:0:0:0:0:1'],
    ['2001:db8::1', '2001:0db8:0000:0000:0000:0000:0000:0001'],
    ['2001:DB8::', '2001:db8:0:0:0:0:0:0'],
    ['::', '0:0:0:0:0:0:0:0'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['::ffff:1.2.3.4', '::ffff:102:304'],
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['[2001:db8::1]', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
    [' 10.0.0.1 ', '10.0.0.1'],
  ];
  it.each(same)('%s equals %s', (a, b) => {
    expect(parseIp(a).value).toBe(parseIp(b).value);
  });

  it('keeps the family as written', () => {
    expect(parseIp('1.2.3.4').family).toBe(4);
    expect(parseIp('::ffff:1.2.3.4').family).toBe(6);
  });

  const bad: [unknown, RegExp][] = [
    ['', /four dotted octets/],
    ['1.2.3', /four dotted octets/],
    ['1.2.3.4.5', /four dotted octets/],
    ['1.2.3.256', /above 255/],
    ['01.2.3.4', /bad octet "01"/],
    ['1.2.3.x', /bad octet/],
    ['1.2.3.4%eth0', /bad octet/],
    ['1::2::3', /more than once/],
    ['1:2:3:4:5:6:7:8:9', /wrong number of groups/],
    ['1:2:3:4:5:6:7', /wrong number of groups/],
    ['1:2:3:4:5:6:7:8::', /wrong number of groups/],
    ['12345::', /bad group "12345"/],
    ['g::1', /bad group "g"/],
    [':1::', /empty group/],
    ['1.2.3.4::', /dotted quad must come last/],
    [null, /not a string/],
  ];
  it.each(bad)('rejects %s', (input, why) => {
    const e = errorOf(() => parseIp(input as string));
    expect(e.code).toBe('PBX_ERR_IP_INVALID');
    expect(e.message).toMatch(why);
  });
});

describe('compileCidrs', () => {
  const table: [string, string, boolean][] = [
    ['90.155.3.0/24', '90.155.3.1', true],
    ['90.155.3.0/24', '90.155.3.255', true],
    ['90.155.3.0/24', '90.155.4.1', false],
    ['90.155.3.0/24', '::ffff:90.155.3.9', true],
    ['90.155.3.0/24', '::ffff:5a9b:309', true],
    ['1.2.3.4/32', '1.2.3.4', true],
    ['1.2.3.4/32', '1.2.3.5', false],
    ['1.2.3.4', '1.2.3.4', true],
    ['1.2.3.4', '1.2.3.40', false],
    ['0.0.0.0/0', '203.0.113.7', true],
    ['0.0.0.0/0', '2001:db8::1', false],
    ['10.1.2.3/8', '10.200.0.1', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['172.16.0.0/12', '172.31.255.255', true],
    ['172.16.0.0/12', '172.32.0.0', false],
    ['::/0', '2001:db8::1', true],
    ['::/0', '1.2.3.4', true],
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['2001:db8::1/128', '2001:db8::1', true],
    ['2001:db8::1/128', '2001:db8::2', false],
    ['2001:db8::1', '2001:0db8:0:0::1', true],
    ['::ffff:0:0/96', '8.8.8.8', true],
    ['::ffff:10.0.0.0/104', '10.9.9.9', true],
    ['::ffff:10.0.0.0/104', '11.0.0.0', false],
    ['fe80::/10', 'fe80::1%eth0', true],
    ['fe80::/10', 'fec0::1', false],
  ];
  it.each(table)('%s contains %s → %s', (cidr, ip, expected) => {
    expect(compileCidrs([cidr]).contains(ip)).toBe(expected);
  });

  it('reports which block matched', () => {
    const set = compileCidrs(['10.0.0.0/8', '192.168.0.0/16', '2001:db8::/32']);
    expect(set.match('192.168.1.1')).toBe('192.168.0.0/16');
    expect(set.match('2001:db8::5')).toBe('2001:db8::/32');
    expect(set.match('8.8.8.8')).toBeUndefined();
    expect(set.blocks.map((b) => [b.family, b.prefix])).toEqual([
      [4, 8],
      [4, 16],
      [6, 32],
    ]);
    expect(compileCidrs([]).contains('1.2.3.4')).toBe(false);
  });

  it('throws PBX_ERR_IP_INVALID for a malformed address to look up', () => {
    expect(errorOf(() => compileCidrs(['0.0.0.0/0']).contains('not-an-ip')).code).toBe('PBX_ERR_IP_INVALID');
  });

  const bad: [unknown, RegExp][] = [
    ['', /empty/],
    ['1.2.3.4/33', /above 32/],
    ['2001:db8::/129', /above 128/],
    ['1.2.3.4/', /bad prefix length ""/],
    ['1.2.3.4/-1', /bad prefix length/],
    ['1.2.3.4/08', /bad prefix length "08"/],
    ['1.2.3.4/8/8', /bad prefix length "8\/8"/],
    ['1.2.3/24', /four dotted octets/],
    ['300.1.1.1/8', /above 255/],
    ['fe80::1%eth0/64', /zones and brackets/],
    ['[::1]/128', /zones and brackets/],
    ['2001:db8:::/32', /empty group/],
    ['example.com/24', /four dotted octets/],
    [24, /not a string/],
  ];
  it.each(bad)('rejects %s with PBX_ERR_CIDR_INVALID naming the input', (input, why) => {
    const e = errorOf(() => compileCidrs(['10.0.0.0/8', input as string]));
    expect(e.code).toBe('PBX_ERR_CIDR_INVALID');
    expect(e.message).toContain(`"${String(input)}"`);
    expect(e.message).toMatch(why);
  });

  it('rejects a list that is not an array', () => {
    expect(errorOf(() => compileCidrs('10.0.0.0/8' as unknown as string[])).code).toBe('PBX_ERR_CIDR_INVALID');
  });

  it('parseCidr keeps the source text', () => {
    expect(parseCidr('1.2.3.0/24').source).toBe('1.2.3.0/24');
  });
});
