import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { findDrift, main, renderSchemas } from '../../../scripts/gen-schemas.js';
import { CallScriptSchema } from '../src/model/verbs/call-script.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('generated JSON Schemas', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'dragon-schemas-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('match the committed schemas/ files (run `npm run schemas` after changing a model)', async () => {
    // The real command line, as CI runs it: exit status 0 means no drift.
    const run = promisify(execFile);
    const { stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/gen-schemas.ts', '--check'], {
      cwd: root,
    });
    expect(stderr).toBe('');
    expect(findDrift(join(root, 'schemas'), renderSchemas())).toEqual([]);
  });

  it('are JSON documents with an id, one per verb, script, webhook body and config document', () => {
    const dir = join(root, 'schemas');
    const names = readdirSync(dir).filter((n) => n.endsWith('.schema.json'));
    for (const n of ['verb-announce', 'verb-connect', 'verb-response', 'verb-pause', 'verb-record', 'verb-pickup']) {
      expect(names).toContain(`${n}.schema.json`);
    }
    for (const n of ['call-script', 'reg-hook-request', 'reg-hook-response', 'call-hook-request', 'status-hook-event', 'config-file', 'config-feed']) {
      expect(names).toContain(`${n}.schema.json`);
    }
    const doc = JSON.parse(readFileSync(join(dir, 'call-script.schema.json'), 'utf8'));
    expect(doc.$id).toBe('https://dragonpbx.org/schemas/call-script.schema.json');
    const { $schema, $id, ...body } = doc;
    expect($schema).toMatch(/json-schema\.org/);
    expect(body).toEqual(JSON.parse(JSON.stringify(CallScriptSchema)));
  });

  it('--check fails naming each changed, missing or stale file', () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(main(['--out', tmp])).toBe(0);
      expect(main(['--check', '--out', tmp])).toBe(0);
      writeFileSync(join(tmp, 'verb-pause.schema.json'), '{}\n');
      unlinkSync(join(tmp, 'call-script.schema.json'));
      writeFileSync(join(tmp, 'old-thing.schema.json'), '{}\n');
      expect(main(['--check', '--out', tmp])).toBe(1);
      const said = stderr.mock.calls.map((c) => String(c[0])).join('');
      expect(said).toContain('verb-pause.schema.json (differs)');
      expect(said).toContain('call-script.schema.json (missing)');
      expect(said).toContain('old-thing.schema.json (not generated any more)');
      // Writing again repairs the directory and removes the stale file.
      expect(main(['--out', tmp])).toBe(0);
      expect(main(['--check', '--out', tmp])).toBe(0);
      expect(readdirSync(tmp)).not.toContain('old-thing.schema.json');
    } finally {
      stderr.mockRestore();
      stdout.mockRestore();
    }
  });
});
