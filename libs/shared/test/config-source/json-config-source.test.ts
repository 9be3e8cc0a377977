import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { JsonConfigSource } from '../../src/config-source/json-config-source.js';
import { configSourceContract, nextChange, nextInvalid } from './contract.js';
import { FIXTURE, captureLogger, editedFixture, toConfigFile } from './fixture.js';

/** Saves like an editor that writes a temporary file and renames it over the original. */
async function replaceFile(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

configSourceContract('json', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dragon-config-'));
  const file = join(dir, 'config.json');
  await writeFile(file, JSON.stringify(toConfigFile(FIXTURE)));
  const { logger, lines } = captureLogger();
  const source = new JsonConfigSource({ file, debounceMs: 20 }, { logger });
  return {
    source,
    lines,
    edit: () => replaceFile(file, JSON.stringify(toConfigFile(editedFixture()), null, 2)),
    close: async () => {
      await source.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('json config source: bad files', () => {
  let dir: string;
  let file: string;
  const sources: JsonConfigSource[] = [];
  const open = (logger = captureLogger().logger) => {
    const s = new JsonConfigSource({ file, debounceMs: 20 }, { logger });
    sources.push(s);
    return s;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dragon-config-'));
    file = join(dir, 'config.json');
  });
  afterEach(async () => {
    await Promise.all(sources.splice(0).map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('a missing file fails start with PBX_ERR_CONFIG_READ', async () => {
    await expect(open().start()).rejects.toMatchObject({ code: 'PBX_ERR_CONFIG_READ', message: expect.stringContaining('ENOENT') });
  });

  it('broken JSON fails start with PBX_ERR_CONFIG_INVALID', async () => {
    await writeFile(file, '{"domains": {');
    await expect(open().start()).rejects.toMatchObject({
      code: 'PBX_ERR_CONFIG_INVALID',
      message: expect.stringContaining('not valid JSON'),
    });
  });

  it('a schema error names the JSON path', async () => {
    const bad = toConfigFile(FIXTURE) as { domains: Record<string, { clients: { username: unknown }[] }> };
    bad.domains['pbx.example.com']!.clients[1]!.username = 42;
    await writeFile(file, JSON.stringify(bad));
    const err = await open().start().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PBX_ERR_CONFIG_INVALID' });
    expect((err as Error).message).toContain(`${file}: /domains/pbx.example.com/clients/1/username: expected string`);
  });

  it('an invalid CIDR names the JSON path', async () => {
    const bad = toConfigFile(FIXTURE);
    bad.domains['pbx.example.com']!.trunks![0]!.inbound = ['90.155.3.0/24', '300.1.1.1/8'];
    await writeFile(file, JSON.stringify(bad));
    await expect(open().start()).rejects.toThrow('/domains/pbx.example.com/trunks/0/inbound/1: invalid CIDR "300.1.1.1/8"');
  });

  it('a broken edit keeps the last good config and logs why; a fixed edit loads', async () => {
    await writeFile(file, JSON.stringify(toConfigFile(FIXTURE)));
    const { logger, lines } = captureLogger();
    const source = open(logger);
    await source.start();
    const version = source.snapshot().version;

    const invalid = nextInvalid(source);
    await replaceFile(file, '{"domains": {"pbx.example.com": {"domain_id": "one"}}}');
    const err = await invalid;
    expect(err.code).toBe('PBX_ERR_CONFIG_INVALID');
    expect(err.message).toContain('/domains/pbx.example.com/domain_id');
    expect(source.snapshot().version).toBe(version);
    expect(source.getDomain('pbx.example.com')).toBe(1);
    const warn = lines.find((l) => l.level === 'warn');
    expect(warn?.obj.code).toBe('PBX_ERR_CONFIG_INVALID');
    expect(String(warn?.obj.err)).toContain('/domains/pbx.example.com/domain_id');

    const changed = nextChange(source, (s) => Object.hasOwn(s.domains, 'new.example.com'));
    await writeFile(file, JSON.stringify(toConfigFile(editedFixture())));
    await changed;
    expect(source.getDomain('new.example.com')).toBe(3);
  });

  it('a deleted file keeps the last good config (PBX_ERR_CONFIG_READ)', async () => {
    await writeFile(file, JSON.stringify(toConfigFile(FIXTURE)));
    const source = open();
    await source.start();
    const invalid = nextInvalid(source);
    await rm(file);
    expect((await invalid).code).toBe('PBX_ERR_CONFIG_READ');
    expect(source.getDomain('pbx.example.com')).toBe(1);
  });

  it('rewriting identical content emits no change', async () => {
    const text = JSON.stringify(toConfigFile(FIXTURE));
    await writeFile(file, text);
    const { logger, lines } = captureLogger();
    const source = open(logger);
    await source.start();
    let changes = 0;
    source.on('change', () => changes++);
    await replaceFile(file, JSON.stringify(toConfigFile(FIXTURE), null, 4));
    // The reload runs, but the content hash is unchanged.
    await vi.waitFor(() => expect(lines.some((l) => l.msg === 'configuration unchanged')).toBe(true), { timeout: 5000 });
    expect(changes).toBe(0);
    expect(lines.filter((l) => l.msg === 'configuration reloaded')).toHaveLength(0);
  });

  it('follows a Kubernetes-style ConfigMap update (the ..data symlink is swapped)', async () => {
    await mkdir(join(dir, '..v1'));
    await writeFile(join(dir, '..v1', 'config.json'), JSON.stringify(toConfigFile(FIXTURE)));
    await symlink('..v1', join(dir, '..data'));
    await symlink(join('..data', 'config.json'), file);
    const source = open();
    await source.start();
    expect(source.getDomain('new.example.com')).toBe(false);

    const changed = nextChange(source, (s) => Object.hasOwn(s.domains, 'new.example.com'));
    await mkdir(join(dir, '..v2'));
    await writeFile(join(dir, '..v2', 'config.json'), JSON.stringify(toConfigFile(editedFixture())));
    await symlink('..v2', join(dir, '..data_tmp'));
    await rename(join(dir, '..data_tmp'), join(dir, '..data'));
    await changed;
    expect(source.getDomain('new.example.com')).toBe(3);
  });

  it('rejects invalid options with PBX_ERR_CONFIG_OPTIONS', () => {
    expect(() => new JsonConfigSource({ file, debounceMs: -1 }, { logger: captureLogger().logger })).toThrow(
      expect.objectContaining({ code: 'PBX_ERR_CONFIG_OPTIONS', message: expect.stringContaining('/debounceMs') }),
    );
  });
});
