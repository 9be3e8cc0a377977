import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { END, START, withTable } from '../../../scripts/gen-env-docs.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('generated environment tables in the service READMEs', () => {
  it('match every service env schema (run `npm run env-docs` after changing one)', async () => {
    // The real command line, as CI runs it: exit status 0 means no drift.
    const { stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/gen-env-docs.ts', '--check'], {
      cwd: root,
    });
    expect(stderr).toBe('');
  }, 60_000);

  it('replaces only what lies between the markers, and refuses a README without them', () => {
    const readme = `# x\n\nbefore\n${START}\nold table\n${END}\nafter\n`;
    expect(withTable(readme, '| t |', 'x')).toBe(`# x\n\nbefore\n${START}\n| t |\n${END}\nafter\n`);
    expect(() => withTable('# no markers\n', '| t |', 'README.md')).toThrow(/README.md: no env-table markers/);
  });
});
