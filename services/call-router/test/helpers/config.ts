import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonConfigSource } from '@dragonpbx/shared/config';
import pino from 'pino';

export const silent = pino({ level: process.env.CALL_ROUTER_TEST_LOG ?? 'silent' });

/** A started JSON config source over `doc`, written to a temporary file. */
export async function configFrom(doc: unknown): Promise<{ config: JsonConfigSource; write(doc: unknown): void; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'call-router-config-'));
  const file = join(dir, 'config.json');
  const write = (d: unknown) => writeFileSync(file, JSON.stringify(d));
  write(doc);
  const config = new JsonConfigSource({ file, watch: true, debounceMs: 20 }, { logger: silent });
  await config.start();
  return {
    config,
    write,
    async close() {
      await config.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
