// deploy/grafana/dragonpbx.json: every panel queries a series some service declares, so the
// dashboard cannot drift from the code. The `dragon_` series are found in the services' and
// libs/shared's sources (metrics.counter/gauge/histogram names, prefixed `dragon_` by the shared registry); the
// `nodejs_`/`process_` ones are prom-client's default metrics, which every service collects.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/tools.js';

const dashboard = JSON.parse(readFileSync(join(repoRoot, 'deploy/grafana/dragonpbx.json'), 'utf8')) as {
  uid: string;
  panels: { id: number; title: string; targets: { expr: string }[] }[];
};

/** Every TypeScript file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The `dragon_` series the services declare, and those every service gets from libs/shared (hook and NATS request latency). */
function declared(): Set<string> {
  const names = new Set<string>();
  const services = join(repoRoot, 'services');
  const dirs = [...readdirSync(services).map((svc) => join(services, svc, 'src')), join(repoRoot, 'libs/shared/src')];
  for (const dir of dirs) {
    for (const file of sources(dir)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/metrics\.(?:counter|gauge|histogram)(?:<[^>]*>)?\(\s*'([a-z_]+)'/g)) names.add(`dragon_${m[1]}`);
      for (const m of text.matchAll(/name: '(dragon_[a-z_]+)'/g)) names.add(m[1]!);
    }
  }
  return names;
}

describe('the Grafana dashboard', () => {
  const known = declared();

  it('is a dashboard with unique panel ids and a query in every panel', () => {
    expect(dashboard.uid).toBe('dragonpbx');
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of dashboard.panels) expect(p.targets.length, p.title).toBeGreaterThan(0);
  });

  it('queries only series the services declare', () => {
    expect(known.size).toBeGreaterThan(10);
    for (const p of dashboard.panels) {
      for (const { expr } of p.targets) {
        for (const [series] of expr.matchAll(/\b(?:dragon|nodejs|process)_[a-z0-9_]+/g)) {
          if (!series.startsWith('dragon_')) continue;
          const base = series.replace(/_(bucket|sum|count)$/, '');
          expect(known.has(base), `${p.title}: ${series} is not declared by any service`).toBe(true);
        }
      }
    }
  });
});
