import { describe, expect, it } from 'vitest';
import { tokenizeArgv } from '../../src/cli/tokenize-argv.js';

const flat = (argv: string[]) => tokenizeArgv(argv).options.map((o) => [o.spec.long, o.value]);

describe('tokenizeArgv (getopt_long style)', () => {
  it('reads long, long=, short and attached short forms', () => {
    expect(flat(['--port', '24024', '--secret=abc', '-c', 'sip:*', '-fconf.xml', '-l', 'debug'])).toEqual([
      ['port', '24024'],
      ['secret', 'abc'],
      ['contact', 'sip:*'],
      ['file', 'conf.xml'],
      ['loglevel', 'debug'],
    ]);
  });

  it('keeps flags valueless and the next token an option', () => {
    expect(flat(['--daemon', '--always-send-180', '-p', '1'])).toEqual([
      ['daemon', undefined],
      ['always-send-180', undefined],
      ['port', '1'],
    ]);
  });

  it('warns once per unknown option and stray argument, and stops at --', () => {
    const r = tokenizeArgv(['--bogus', '-Q', 'stray', '--port', '2', '--', '--secret', 'x']);
    expect(r.options.map((o) => o.spec.long)).toEqual(['port']);
    expect(r.warnings).toEqual([
      'ignoring unknown option --bogus',
      'ignoring unknown option -Q',
      'ignoring non-option argument "stray"',
      'ignoring non-option argument "--secret"',
      'ignoring non-option argument "x"',
    ]);
  });

  it('errors on a missing value and on a value given to a flag', () => {
    expect(() => tokenizeArgv(['--secret'])).toThrow(/--secret: option requires a value/);
    expect(() => tokenizeArgv(['--daemon=yes'])).toThrow(expect.objectContaining({ code: 'PBX_ERR_SIP_CLI_INVALID' }));
  });
});
