// The environment variables each service documents: the generated table between the
// env-table markers of its README ("Configuration"), including the older names it also reads.
// The deployment files may set only these, so a misspelt or misplaced variable (one the
// service never reads) fails a test instead of being ignored at run time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './tools.js';

export const documentedServices = ['sip-server', 'registrar', 'call-router', 'media-controller', 'hook-dispatcher'] as const;
export type DocumentedService = (typeof documentedServices)[number];

// examples/hooks-app has no README table; its variables are read in src/main.ts.
export const hooksAppEnv = new Set(['HOOKS_HOST', 'HOOKS_PORT', 'HOOKS_PUBLIC_URL']);

export function documentedEnv(service: DocumentedService): Set<string> {
  const readme = readFileSync(join(repoRoot, 'services', service, 'README.md'), 'utf8');
  const start = readme.indexOf('<!-- env-table:start');
  const end = readme.indexOf('<!-- env-table:end -->');
  if (start < 0 || end < start) throw new Error(`services/${service}/README.md: no env table`);
  const names = new Set<string>();
  for (const line of readme.slice(start, end).split('\n')) {
    const m = /^\| `([A-Z0-9_]+)` \|/.exec(line);
    if (!m) continue;
    names.add(m[1]!);
    for (const older of line.matchAll(/Also read as `([A-Z0-9_]+)`/g)) names.add(older[1]!);
  }
  if (names.size === 0) throw new Error(`services/${service}/README.md: empty env table`);
  return names;
}
