// The Helm chart deploy/helm/dragonpbx, checked with the real helm v3.17 binary and validated
// against the Kubernetes 1.30 API (support/k8s-validate.ts). No cluster is involved.
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChartStage, chartDir, find, type K8sObject, type Rendered } from './support/chart.js';
import { kubernetesTypesVersion, type Sourced, typecheckV130, validateWithModels } from './support/k8s-validate.js';
import { type DocumentedService, documentedEnv, hooksAppEnv } from './support/service-env.js';
import { repoRoot, run, tools } from './support/tools.js';

const examples = readdirSync(join(chartDir, 'examples'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const sources = ['default values', ...examples];
const valuesArgs = (source: string) => (source === 'default values' ? [] : ['-f', join(chartDir, 'examples', source)]);

const services = ['registrar', 'call-router', 'media-controller', 'hook-dispatcher'] as const;
const fullname = 'pbx-dragonpbx';

interface Container {
  name: string;
  image: string;
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } } }[];
  readinessProbe?: { httpGet?: { path: string; port: string | number }; tcpSocket?: unknown };
  livenessProbe?: { httpGet?: { path: string; port: string | number }; tcpSocket?: unknown };
  lifecycle?: { preStop?: { sleep?: { seconds: number } } };
  args?: string[];
}
interface PodSpec {
  containers: Container[];
  hostNetwork?: boolean;
  nodeSelector?: Record<string, string>;
  tolerations?: Record<string, string>[];
  terminationGracePeriodSeconds?: number;
  volumes?: { name: string; configMap?: { name: string } }[];
}
const podSpec = (o: K8sObject) => (o.spec as { template: { spec: PodSpec } }).template.spec;
const envOf = (c: Container) => new Map((c.env ?? []).map((e) => [e.name, e] as const));
const envValue = (c: Container, name: string) => envOf(c).get(name)?.value;

let stage: ChartStage;
const rendered = new Map<string, Rendered>();

beforeAll(async () => {
  tools(); // unpack helm and kubectl once, before the timed renders
  stage = new ChartStage();
  for (const source of sources) rendered.set(source, await stage.template(valuesArgs(source)));
}, 120_000);

afterAll(() => stage?.dispose());

describe('helm lint', () => {
  // Concurrent: each case is one helm process; `expect` from the context keeps failures attributed.
  it.concurrent.for(sources)('passes with %s (only the undownloaded subcharts are warned about)', async (source, { expect }) => {
    const r = await run(tools().helm, ['lint', chartDir, ...valuesArgs(source)]);
    expect(r.stderr + r.stdout, 'helm lint output').not.toContain('[ERROR]');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const warnings = (r.stdout.match(/^\[WARNING\].*$/gm) ?? []).filter((w) => !w.includes('missing these dependencies: redis,nats'));
    expect(warnings).toEqual([]);
  });
});

describe('helm template', () => {
  it.each(sources)('renders %s', (source) => {
    const r = rendered.get(source)!;
    expect(r.code, r.stderr).toBe(0);
    expect(r.objects.length).toBeGreaterThan(10);
  });

  it('every rendered object of every values file is valid for the Kubernetes API (kubernetes-models)', () => {
    const errors = sources.flatMap((s) => validateWithModels(rendered.get(s)!.objects).map((e) => `${s}: ${e}`));
    expect(errors).toEqual([]);
  });

  it('every rendered object of every values file type-checks as its Kubernetes 1.30 type (kubernetes-types@1.30.0)', () => {
    const items: Sourced[] = sources.flatMap((source) => rendered.get(source)!.objects.map((object) => ({ source, object })));
    expect(items.length).toBeGreaterThan(50);
    expect(kubernetesTypesVersion()).toBe('1.30.0');
    expect(typecheckV130(items)).toEqual([]);
  }, 30_000);

  it('sets only variables each service documents in its README "Configuration" table', () => {
    // The SIP edge and RTPEngine get these only for $(VAR) expansion in their command line.
    const commandLineOnly = new Set(['HOST_IP', 'DRACHTIO_SECRET']);
    const stray: string[] = [];
    for (const source of sources) {
      for (const o of rendered.get(source)!.objects) {
        if (o.kind !== 'Deployment' && o.kind !== 'DaemonSet') continue;
        for (const c of podSpec(o).containers) {
          const known =
            c.name === 'hooks-app'
              ? hooksAppEnv
              : c.name === 'drachtio' || c.name === 'rtpengine'
                ? commandLineOnly
                : new Set([...documentedEnv(c.name as DocumentedService), ...(c.name === 'sip-server' ? commandLineOnly : [])]);
          for (const e of c.env ?? []) if (!known.has(e.name)) stray.push(`${source}: ${o.metadata.name}: ${e.name}`);
        }
      }
    }
    expect(stray).toEqual([]);
  });

  it('refers only to Secret keys the release Secret has, unless the reference is optional', () => {
    const { objects } = rendered.get('default values')!;
    const secret = find(objects, 'Secret', `${fullname}-secrets`) as K8sObject & { data: Record<string, string> };
    for (const o of objects.filter((x) => x.kind === 'Deployment' || x.kind === 'DaemonSet')) {
      for (const c of podSpec(o).containers) {
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (!ref) continue;
          expect(ref.name).toBe(`${fullname}-secrets`);
          if (!ref.optional) expect(Object.keys(secret.data), `${o.metadata.name} ${e.name}`).toContain(ref.key);
        }
      }
    }
    // Generated when not given: 32 characters, enough for the nonce HMAC (>= 16 bytes).
    expect(Buffer.from(secret.data['nonce-secret']!, 'base64').length).toBe(32);
    expect(Buffer.from(secret.data['drachtio-secret']!, 'base64').length).toBe(32);
  });
});

describe('what the chart deploys (default values)', () => {
  const objects = () => rendered.get('default values')!.objects;

  it('runs the SIP edge (drachtio-server) and RTPEngine as host-network DaemonSets on their tainted node pools', () => {
    for (const [name, pool] of [
      ['sip-edge', 'sip'],
      ['rtpengine', 'media'],
    ]) {
      const spec = podSpec(find(objects(), 'DaemonSet', `${fullname}-${name}`));
      expect(spec.hostNetwork).toBe(true);
      expect(spec.nodeSelector).toEqual({ 'dragonpbx.io/pool': pool });
      expect(spec.tolerations).toEqual([{ key: 'dragonpbx.io/pool', operator: 'Equal', value: pool, effect: 'NoSchedule' }]);
    }
    const edge = podSpec(find(objects(), 'DaemonSet', `${fullname}-sip-edge`)).containers[0]!;
    expect(edge.image).toMatch(/^drachtio\/drachtio-server:/);
    expect(edge.args).toEqual(expect.arrayContaining(['--secret', '$(DRACHTIO_SECRET)', '--port', '9022']));
  });

  it.each(services)('%s: Deployment with probes on /readyz and /healthz, a preStop sleep, a grace period covering the drain, a PDB and a Service', (name) => {
    const dep = find(objects(), 'Deployment', `${fullname}-${name}`);
    const spec = podSpec(dep);
    const c = spec.containers[0]!;
    expect(c.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(c.livenessProbe?.httpGet?.path).toBe('/healthz');
    const preStop = c.lifecycle?.preStop?.sleep?.seconds ?? 0;
    expect(preStop).toBeGreaterThan(0);
    const shutdownSecs = Number(envValue(c, 'SHUTDOWN_TIMEOUT_MS')) / 1000;
    expect(spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(preStop + shutdownSecs);
    expect((dep.spec as { replicas: number }).replicas).toBe(2);
    find(objects(), 'PodDisruptionBudget', `${fullname}-${name}`);
    find(objects(), 'Service', `${fullname}-${name}`);
    expect(envValue(c, 'REDIS_URL')).toBe('redis://redis:6379');
    expect(envValue(c, 'NATS_URL')).toBe('nats://nats:4222');
  });

  it('gives the call-router a grace period longer than CALL_DRAIN_TIMEOUT_MS plus a margin', () => {
    const spec = podSpec(find(objects(), 'Deployment', `${fullname}-call-router`));
    const c = spec.containers[0]!;
    const drainSecs = Number(envValue(c, 'CALL_DRAIN_TIMEOUT_MS')) / 1000;
    expect(drainSecs).toBe(30);
    expect(spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(drainSecs + 15);
    expect(Number(envValue(c, 'SHUTDOWN_TIMEOUT_MS'))).toBeGreaterThan(drainSecs * 1000);
  });

  it('serves the call-router REST call API on its own container and Service port, API_TOKEN from the Secret', () => {
    const deployment = find(objects(), 'Deployment', `${fullname}-call-router`);
    const c = podSpec(deployment).containers[0]! as Container & { ports?: { name: string; containerPort: number }[] };
    expect(c.ports?.find((p) => p.name === 'api')?.containerPort).toBe(2999);
    expect(envValue(c, 'WEBPORT')).toBe('2999');
    expect(envValue(c, 'API_HOST')).toBe('0.0.0.0');
    expect(envOf(c).get('API_TOKEN')?.valueFrom?.secretKeyRef).toMatchObject({ key: 'api-token', optional: true });
    const service = find(objects(), 'Service', `${fullname}-call-router`);
    const ports = (service.spec as { ports: { name: string; port: number; targetPort: string }[] }).ports;
    expect(ports.find((p) => p.name === 'api')).toMatchObject({ port: 2999, targetPort: 'api' });
    // Only the call-router has the API port.
    const registrar = find(objects(), 'Service', `${fullname}-registrar`);
    expect((registrar.spec as { ports: { name: string }[] }).ports.map((p) => p.name)).toEqual(['http']);
  });

  it('mounts a ConfigMap config.json into the registrar and call-router, valid against schemas/config-file.schema.json', () => {
    const cm = find(objects(), 'ConfigMap', `${fullname}-config`) as K8sObject & { data: Record<string, string> };
    for (const name of ['registrar', 'call-router']) {
      const spec = podSpec(find(objects(), 'Deployment', `${fullname}-${name}`));
      expect(spec.volumes?.find((v) => v.name === 'config')?.configMap?.name).toBe(`${fullname}-config`);
      expect(envValue(spec.containers[0]!, 'CONFIG_FILE')).toBe('/etc/dragonpbx/config.json');
    }
    expect(configFileErrors(JSON.parse(cm.data['config.json']!))).toEqual([]);
  });

  it('renders no HPA and no ServiceMonitor unless asked', () => {
    expect(objects().filter((o) => o.kind === 'HorizontalPodAutoscaler' || o.kind === 'ServiceMonitor')).toEqual([]);
  });
});

describe('the example values files', () => {
  it('ha.yaml: an HPA per service and no fixed replicas, ServiceMonitors, the existing Secret, long call drain', () => {
    const { objects } = rendered.get('ha.yaml')!;
    for (const name of services) {
      const hpa = find(objects, 'HorizontalPodAutoscaler', `${fullname}-${name}`);
      expect((hpa.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name).toBe(`${fullname}-${name}`);
      expect((find(objects, 'Deployment', `${fullname}-${name}`).spec as { replicas?: number }).replicas).toBeUndefined();
      find(objects, 'ServiceMonitor', `${fullname}-${name}`);
      for (const e of podSpec(find(objects, 'Deployment', `${fullname}-${name}`)).containers[0]!.env ?? []) {
        if (e.valueFrom?.secretKeyRef) expect(e.valueFrom.secretKeyRef.name).toBe('dragonpbx-secrets');
      }
    }
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const router = podSpec(find(objects, 'Deployment', `${fullname}-call-router`));
    expect(envValue(router.containers[0]!, 'CALL_DRAIN_TIMEOUT_MS')).toBe('300000');
    expect(router.terminationGracePeriodSeconds).toBe(330);
    expect(envValue(podSpec(find(objects, 'Deployment', `${fullname}-media-controller`)).containers[0]!, 'RTPENGINE_HOSTS')).toBe(
      '10.0.20.11:22222,10.0.20.12:22222,10.0.20.13:22222',
    );
  });

  it('external-redis-nats.yaml: the given Redis/NATS URLs and prefixes, the pg config backend, no ConfigMap', () => {
    const { objects } = rendered.get('external-redis-nats.yaml')!;
    const c = podSpec(find(objects, 'Deployment', `${fullname}-registrar`)).containers[0]!;
    expect(envValue(c, 'REDIS_URL')).toBe('rediss://default@redis.example.net:6380');
    expect(envValue(c, 'NATS_URL')).toBe('nats://nats-a.example.net:4222,nats://nats-b.example.net:4222,nats://nats-c.example.net:4222');
    expect(envValue(c, 'REDIS_KEY_PREFIX')).toBe('pbx-eu1:');
    expect(envValue(c, 'NATS_SUBJECT_PREFIX')).toBe('pbx-eu1');
    // The hook-dispatcher has its own key prefix variable and a stream of its own per prefix.
    const hooks = podSpec(find(objects, 'Deployment', `${fullname}-hook-dispatcher`)).containers[0]!;
    expect(envValue(hooks, 'HOOK_KEY_PREFIX')).toBe('pbx-eu1:dragon:hooks');
    expect(envValue(hooks, 'HOOK_STREAM')).toBe('DRAGON_STATUS_PBX_EU1');
    expect(envValue(hooks, 'REDIS_KEY_PREFIX')).toBeUndefined();
    expect(envValue(c, 'DATA_SOURCE')).toBe('pg');
    expect(envValue(c, 'DB_HOST')).toBe('postgres.example.net');
    expect(envOf(c).get('DB_PASSWORD')?.valueFrom?.secretKeyRef?.key).toBe('db-password');
    expect(objects.filter((o) => o.kind === 'ConfigMap')).toEqual([]);
    const secret = find(objects, 'Secret', `${fullname}-secrets`) as K8sObject & { data: Record<string, string> };
    expect(Buffer.from(secret.data['db-password']!, 'base64').toString()).toBe('replace-me');
  });

  it('embedded-sip.yaml: the embedded sip-server on the host network with HTTP probes on its ops port', () => {
    const { objects } = rendered.get('embedded-sip.yaml')!;
    const spec = podSpec(find(objects, 'DaemonSet', `${fullname}-sip-edge`));
    const c = spec.containers[0]!;
    expect(spec.hostNetwork).toBe(true);
    expect(c.name).toBe('sip-server');
    expect(c.image).toMatch(/^dragonpbx\/sip-server:/);
    expect(c.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    expect(c.args).toEqual(expect.arrayContaining(['--contact', 'sip:$(HOST_IP):5060;transport=udp,tcp', '--prometheus-scrape-port', '9400']));
  });

  it('minimal.yaml: the hooks app, reachable at the address its RegHook answers name, and a valid config file', () => {
    const { objects } = rendered.get('minimal.yaml')!;
    const hooks = podSpec(find(objects, 'Deployment', 'dragonpbx-hooks-app')).containers[0]!;
    expect(envValue(hooks, 'HOOKS_PUBLIC_URL')).toBe('http://dragonpbx-hooks-app:3000');
    find(objects, 'Service', 'dragonpbx-hooks-app');
    const cm = find(objects, 'ConfigMap', 'dragonpbx-config') as K8sObject & { data: Record<string, string> };
    const config = JSON.parse(cm.data['config.json']!);
    expect(configFileErrors(config)).toEqual([]);
    expect(Object.keys(config.domains)).toEqual(['pbx.example.com']);
    expect(objects.filter((o) => o.kind === 'PodDisruptionBudget')).toEqual([]);
  });
});

describe('NOTES.txt', () => {
  // helm prints NOTES.txt only on install/upgrade, which need a cluster; a staged template
  // includes it through the same engine so its text can be checked.
  async function notes(args: string[]): Promise<string> {
    const s = new ChartStage();
    try {
      writeFileSync(
        s.path('templates', 'notes-check.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes-check\ndata:\n  notes: |\n{{ include (print $.Template.BasePath "/NOTES.txt") . | indent 4 }}\n',
      );
      const r = await s.template(args);
      expect(r.code, r.stderr).toBe(0);
      return (find(r.objects, 'ConfigMap', 'notes-check').data as { notes: string }).notes;
    } finally {
      s.dispose();
    }
  }

  it('tells how to find the SIP address and register a phone, with the domains of the config', async () => {
    const text = await notes(['-f', join(chartDir, 'examples', 'minimal.yaml')]);
    expect(text).toContain('Domains in the config file: pbx.example.com.');
    expect(text).toContain('<node address>:5060');
    expect(text).toContain('sipp <node address>:5060 -sf examples/sipp/register.xml');
    const ha = await notes(['-f', join(chartDir, 'examples', 'ha.yaml')]);
    expect(ha).toContain('kubectl get nodes -l dragonpbx.io/pool=sip -o wide');
    expect(ha).toContain('Clients come from the api config backend.');
  });
});

describe('failures are caught with a clear message', () => {
  it.concurrent.for([
    [['--set', 'callRouter.replicas=two'], 'callRouter.replicas: Invalid type. Expected: integer, given: string'],
    [['--set-string', 'sipEdge.sipPort=5060'], 'sipEdge.sipPort: Invalid type. Expected: integer, given: string'],
    [['--set', 'registrar.replica=3'], 'registrar: Additional property replica is not allowed'],
    [['--set', 'logLevel=verbose'], 'logLevel: logLevel must be one of the following'],
    [['--set', 'externalRedis.url=localhost:6379'], 'externalRedis.url: Does not match pattern'],
    [['--set', 'callRouter.autoscaling.enabled=yes'], 'callRouter.autoscaling.enabled: Invalid type. Expected: boolean, given: string'],
    [['--set', 'config.dataSource=api'], 'config.url is required when config.dataSource is api'],
    [
      ['--set', 'callRouter.terminationGracePeriodSeconds=40'],
      'callRouter.terminationGracePeriodSeconds (40) must be at least preStopSleepSeconds + shutdownTimeoutMs/1000 (50)',
    ],
    [
      ['--set', 'callRouter.callDrainTimeoutMs=60000'],
      'callRouter.shutdownTimeoutMs (45000) must be greater than callRouter.callDrainTimeoutMs (60000)',
    ],
  ] as [string[], string][])('helm template %j fails: %s', async ([args, message], { expect }) => {
    const r = await stage.template(args);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(message);
  });

  it('helm lint fails on a values file with a wrong type, naming the key', async () => {
    const bad = join(stage.dir, '..', 'bad-values.yaml');
    writeFileSync(bad, 'hookDispatcher:\n  port: "3004"\n');
    const r = await run(tools().helm, ['lint', chartDir, '-f', bad]);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('hookDispatcher.port: Invalid type. Expected: integer, given: string');
  });

  it('a broken template fails helm template and helm lint, naming the file', async () => {
    const broken = new ChartStage();
    try {
      appendFileSync(broken.path('templates', 'pdb.yaml'), '\n{{- if .Values.registrar.enabled }}\n');
      const r = await run(tools().helm, ['template', 'pbx', broken.dir]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/pdb\.yaml.*unexpected EOF/);
      const lint = await run(tools().helm, ['lint', broken.dir]);
      expect(lint.code).not.toBe(0);
      expect(lint.stdout).toMatch(/\[ERROR\] templates\/: parse error at \(dragonpbx\/templates\/pdb\.yaml/);
    } finally {
      broken.dispose();
    }
  });

  it('a template that renders an invalid Kubernetes object is caught by both API checks', async () => {
    const broken = new ChartStage();
    try {
      // A quoted replica count and a misspelt probe field: helm renders both without complaint.
      const file = broken.path('templates', 'deployments.yaml');
      writeFileSync(
        file,
        readFileSync(file, 'utf8')
          .replace('replicas: {{ $svc.replicas }}', 'replicas: "{{ $svc.replicas }}"')
          .replace('readinessProbe:', 'readinesProbe:'),
      );
      const r = await broken.template([]);
      expect(r.code, r.stderr).toBe(0);
      const models = validateWithModels(r.objects);
      expect(models).toContain(`Deployment/${fullname}-registrar: data/spec/replicas must be integer`);
      const typed = typecheckV130(r.objects.map((object) => ({ source: 'broken', object })));
      expect(typed.join('\n')).toContain(
        `broken: Deployment/${fullname}-registrar: Object literal may only specify known properties, and '"readinesProbe"' does not exist in type 'Container'.`,
      );
      expect(typed.join('\n')).toContain(`broken: Deployment/${fullname}-registrar: Type 'string' is not assignable to type 'number'.`);
    } finally {
      broken.dispose();
    }
  }, 30_000);
});

function configFileErrors(config: unknown): string[] {
  const schema = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'config-file.schema.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  const validate = ajv.compile(schema);
  return validate(config) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
