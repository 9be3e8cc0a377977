// Writes the published JSON Schemas (schemas/*.schema.json) from the TypeBox
// models in libs/shared, so hook authors and operators can validate CallScripts,
// webhook bodies and configuration (config.json, the api feed) with any JSON Schema tool.
//   npx tsx scripts/gen-schemas.ts            write the files
//   npx tsx scripts/gen-schemas.ts --check    exit 1 when the files on disk differ
//   --out DIR                                 another directory (default: schemas/ at the repo root)
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TSchema } from '@sinclair/typebox';
import { ConfigFeedSchema } from '../libs/shared/src/model/config-feed.js';
import { ConfigFileSchema } from '../libs/shared/src/model/config-file.js';
import { AnnounceVerbSchema } from '../libs/shared/src/model/verbs/announce.js';
import { CallScriptSchema } from '../libs/shared/src/model/verbs/call-script.js';
import { ConnectVerbSchema } from '../libs/shared/src/model/verbs/connect.js';
import { PauseVerbSchema } from '../libs/shared/src/model/verbs/pause.js';
import { PickupVerbSchema } from '../libs/shared/src/model/verbs/pickup.js';
import { RecordVerbSchema } from '../libs/shared/src/model/verbs/record.js';
import { ResponseVerbSchema } from '../libs/shared/src/model/verbs/response.js';
import { CallHookRequestSchema } from '../libs/shared/src/model/webhooks/call-hook-request.js';
import { RegHookRequestSchema } from '../libs/shared/src/model/webhooks/reg-hook-request.js';
import { RegHookResponseSchema } from '../libs/shared/src/model/webhooks/reg-hook-response.js';
import { StatusHookEventSchema } from '../libs/shared/src/model/webhooks/status-hook-event.js';

const BASE_ID = 'https://dragonpbx.org/schemas/';
const SUFFIX = '.schema.json';

/** File name (without suffix) → schema. */
const SCHEMAS: Record<string, TSchema> = {
  'verb-announce': AnnounceVerbSchema,
  'verb-connect': ConnectVerbSchema,
  'verb-response': ResponseVerbSchema,
  'verb-pause': PauseVerbSchema,
  'verb-record': RecordVerbSchema,
  'verb-pickup': PickupVerbSchema,
  'call-script': CallScriptSchema,
  'reg-hook-request': RegHookRequestSchema,
  'reg-hook-response': RegHookResponseSchema,
  'call-hook-request': CallHookRequestSchema,
  'status-hook-event': StatusHookEventSchema,
  'config-file': ConfigFileSchema,
  'config-feed': ConfigFeedSchema,
};

/** The text of every file, keyed by file name. TypeBox's symbol keys vanish in JSON. */
export function renderSchemas(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    const doc = { $schema: 'http://json-schema.org/draft-07/schema#', $id: `${BASE_ID}${name}${SUFFIX}`, ...schema };
    files.set(`${name}${SUFFIX}`, `${JSON.stringify(doc, null, 2)}\n`);
  }
  return files;
}

/** Names of files that are missing, different, or no longer generated. */
export function findDrift(dir: string, files: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [name, text] of files) {
    const path = join(dir, name);
    if (!existsSync(path)) out.push(`${name} (missing)`);
    else if (readFileSync(path, 'utf8') !== text) out.push(`${name} (differs)`);
  }
  if (existsSync(dir)) {
    for (const name of readdirSync(dir)) {
      if (name.endsWith(SUFFIX) && !files.has(name)) out.push(`${name} (not generated any more)`);
    }
  }
  return out;
}

/** Runs the command line; returns the exit status. */
export function main(argv: string[]): number {
  const check = argv.includes('--check');
  const outAt = argv.indexOf('--out');
  const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
  const dir = outAt >= 0 && argv[outAt + 1] ? resolve(argv[outAt + 1] as string) : join(root, 'schemas');
  const files = renderSchemas();
  const stale = findDrift(dir, files);
  if (check) {
    if (stale.length === 0) return 0;
    process.stderr.write(`JSON Schemas are out of date; run \`npm run schemas\`:\n  ${stale.join('\n  ')}\n`);
    return 1;
  }
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) {
    if (name.endsWith(SUFFIX) && !files.has(name)) rmSync(join(dir, name));
  }
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  process.stdout.write(`wrote ${files.size} schemas to ${dir}\n`);
  return 0;
}

// Run only when executed, not when a test imports the functions above.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
