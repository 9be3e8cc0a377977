// Checks rendered objects against the Kubernetes API without a cluster, two ways:
//
// 1. kubernetes-models: each object is run through the JSON Schema validator generated from the
//    Kubernetes OpenAPI (types, enums, required fields, int-or-string, quantities). The package
//    tracks a recent Kubernetes release, not exactly 1.30, and like the API's schema it accepts
//    unknown fields.
// 2. kubernetes-types@1.30.0 + the TypeScript compiler: each object becomes an object literal
//    typed as its 1.30 API type, so a field that does not exist in 1.30 (a typo, a field of a
//    later release) is an excess-property error, and a wrong type or a missing required field a
//    type error. ServiceMonitor (a CRD) has no type there and gets only check 1.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import ts from 'typescript';
import type { K8sObject } from './chart.js';
import { repoRoot } from './tools.js';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: never) => Validatable;

// apiVersion/kind → model. A kind the chart starts rendering must be added here, or the check fails.
const models: Record<string, ModelClass> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'apps/v1/DaemonSet': DaemonSet,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor as unknown as ModelClass,
};

// apiVersion/kind → [kubernetes-types module, type name].
const types: Record<string, [string, string]> = {
  'v1/ConfigMap': ['kubernetes-types/core/v1', 'ConfigMap'],
  'v1/Secret': ['kubernetes-types/core/v1', 'Secret'],
  'v1/Service': ['kubernetes-types/core/v1', 'Service'],
  'apps/v1/Deployment': ['kubernetes-types/apps/v1', 'Deployment'],
  'apps/v1/DaemonSet': ['kubernetes-types/apps/v1', 'DaemonSet'],
  'autoscaling/v2/HorizontalPodAutoscaler': ['kubernetes-types/autoscaling/v2', 'HorizontalPodAutoscaler'],
  'policy/v1/PodDisruptionBudget': ['kubernetes-types/policy/v1', 'PodDisruptionBudget'],
};

const label = (o: K8sObject) => `${o.kind}/${o.metadata?.name}`;

/** Errors of check 1, one line per object, empty when all are valid. */
export function validateWithModels(objects: K8sObject[]): string[] {
  const errors: string[] = [];
  for (const o of objects) {
    const Model = models[`${o.apiVersion}/${o.kind}`];
    if (!Model) {
      errors.push(`${label(o)}: no Kubernetes model for ${o.apiVersion} ${o.kind} in k8s-validate.ts`);
      continue;
    }
    try {
      new Model(o as never).validate();
    } catch (err) {
      errors.push(`${label(o)}: ${(err as Error).message}`);
    }
  }
  return errors;
}

let runs = 0;

/** The checked Kubernetes release is the installed kubernetes-types' version: it must be 1.30. */
export function kubernetesTypesVersion(): string {
  const require = createRequire(import.meta.url);
  const { version } = JSON.parse(readFileSync(require.resolve('kubernetes-types/package.json'), 'utf8')) as { version: string };
  if (!version.startsWith('1.30.')) throw new Error(`kubernetes-types ${version} is installed; the chart is checked against 1.30`);
  return version;
}

export interface Sourced {
  source: string; // where the object came from (a values file), for the messages
  object: K8sObject;
}

/**
 * Errors of check 2 (TypeScript diagnostics against kubernetes-types 1.30.0), by object. One
 * compiler run for everything given: a run costs seconds, an object almost nothing.
 */
export function typecheckV130(items: Sourced[]): string[] {
  kubernetesTypesVersion();
  const dir = join(repoRoot, '.tools', 'k8s-typecheck');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `objects-${process.pid}-${runs++}.ts`);
  const lines: string[] = [];
  const owner: string[] = []; // line number → object label
  const imports = new Map<string, Set<string>>();
  const body: string[] = [];
  items.forEach(({ source, object: o }, i) => {
    const t = types[`${o.apiVersion}/${o.kind}`];
    if (!t) return;
    const [mod, name] = t;
    if (!imports.has(mod)) imports.set(mod, new Set());
    imports.get(mod)!.add(name);
    const json = JSON.stringify(o, null, 2).split('\n');
    body.push(`export const o${i}: ${mod.replace(/\W/g, '_')}.${name} = ${json[0]}`, ...json.slice(1));
    body.push(';');
    for (let n = 0; n < json.length + 1; n++) owner.push(`${source}: ${label(o)}`);
  });
  for (const mod of imports.keys()) lines.push(`import type * as ${mod.replace(/\W/g, '_')} from '${mod}';`);
  const header = lines.length;
  lines.push(...body);
  writeFileSync(file, `${lines.join('\n')}\n`);
  try {
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      types: [],
    });
    const diagnostics = ts.getPreEmitDiagnostics(program);
    return diagnostics.map((d) => {
      const text = ts.flattenDiagnosticMessageText(d.messageText, ' ');
      if (!d.file || d.start === undefined) return text;
      const { line } = d.file.getLineAndCharacterOfPosition(d.start);
      const src = d.file.text.split('\n')[line]?.trim() ?? '';
      return `${owner[line - header] ?? 'imports'}: ${text} (at ${src})`;
    });
  } finally {
    rmSync(file, { force: true });
  }
}
