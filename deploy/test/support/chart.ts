// Renders deploy/helm/dragonpbx with the real helm binary.
//
// Helm refuses to render a chart whose Chart.yaml lists dependencies that are not in charts/,
// even when their `condition` is false ("found in Chart.yaml, but missing in charts/
// directory"). The optional Redis and NATS subcharts cannot be fetched here (no registry but
// npm), so the chart is rendered from a copy whose Chart.yaml has no dependencies block; every
// template and values file is the real one. `helm lint` runs on the chart itself.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { type RunResult, repoRoot, run, tools } from './tools.js';

export const chartDir = join(repoRoot, 'deploy', 'helm', 'dragonpbx');

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface Rendered extends RunResult {
  objects: K8sObject[];
}

export class ChartStage {
  readonly dir: string;
  private readonly root: string;

  constructor() {
    this.root = mkdtempSync(join(tmpdir(), 'dragonpbx-chart-'));
    this.dir = join(this.root, 'dragonpbx');
    cpSync(chartDir, this.dir, { recursive: true });
    const chartYaml = join(this.dir, 'Chart.yaml');
    const text = readFileSync(chartYaml, 'utf8');
    const cut = text.indexOf('\ndependencies:');
    if (cut < 0) throw new Error('Chart.yaml: no dependencies block (the subcharts are expected there)');
    writeFileSync(chartYaml, text.slice(0, cut + 1));
  }

  /** helm template with --kube-version 1.30.0; objects are the parsed documents. */
  async template(args: string[] = []): Promise<Rendered> {
    const result = await run(tools().helm, [
      'template',
      'pbx',
      this.dir,
      '--namespace',
      'voice',
      '--kube-version',
      '1.30.0',
      ...args,
    ]);
    const objects: K8sObject[] = [];
    if (result.code === 0) {
      for (const doc of parseAllDocuments(result.stdout)) {
        if (doc.errors.length > 0) throw new Error(`helm output is not YAML: ${doc.errors[0]!.message}`);
        const obj = doc.toJS() as K8sObject | null;
        if (obj) objects.push(obj);
      }
    }
    return { ...result, objects };
  }

  /** A file inside the staged chart (a test may break a template in its own stage). */
  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) {
    const have = objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ');
    throw new Error(`no ${kind}/${name} in the rendered chart; it has ${have}`);
  }
  return found;
}
