// An in-process OTLP/HTTP trace receiver for e2e tests: the services export to it over
// OTLP/HTTP JSON (what @opentelemetry/exporter-trace-otlp-http sends), and a test reads back
// the spans it got, flattened with their resource's `service.name`.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';

/** One received span. Ids are lowercase hex; `parentSpanId` is `''` for a root span. */
export interface ReceivedSpan {
  readonly service: string;
  readonly name: string;
  readonly kind: number;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  readonly statusCode: number;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  attributes?: OtlpAttribute[];
  status?: { code?: number };
}
interface OtlpRequest {
  resourceSpans?: { resource?: { attributes?: OtlpAttribute[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

/** The JSON encoding sends hex ids; base64 (the protobuf-JSON mapping) is accepted too. */
function hexId(id: string | undefined, bytes: number): string {
  if (!id) return '';
  if (new RegExp(`^[0-9a-f]{${bytes * 2}}$`, 'i').test(id)) return id.toLowerCase();
  return Buffer.from(id, 'base64').toString('hex');
}

function attributeValue(v: OtlpValue): unknown {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  return undefined;
}

function attributesOf(list: OtlpAttribute[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((a) => [a.key, attributeValue(a.value)]));
}

export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  /** Requests that could not be read (wrong content type, bad JSON), as `status: why`. */
  readonly rejected: string[] = [];
  readonly #server: Server = createServer((req, res) => {
    void this.#handle(req).then(
      (status) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end('{}');
      },
      () => {
        res.writeHead(500);
        res.end();
      },
    );
  });

  constructor(readonly port: number) {}

  /** The base endpoint, as `OTEL_EXPORTER_OTLP_ENDPOINT` takes it. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  stop(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  /** The spans of one trace. */
  trace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((s) => s.traceId === traceId);
  }

  async #handle(req: IncomingMessage): Promise<number> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body = Buffer.concat(chunks);
    if (req.url !== '/v1/traces' || req.method !== 'POST') {
      this.rejected.push(`404: ${req.method} ${req.url}`);
      return 404;
    }
    if (!String(req.headers['content-type']).startsWith('application/json')) {
      this.rejected.push(`415: ${req.headers['content-type']}`);
      return 415;
    }
    if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
    let parsed: OtlpRequest;
    try {
      parsed = JSON.parse(body.toString('utf8')) as OtlpRequest;
    } catch (err) {
      this.rejected.push(`400: ${(err as Error).message}`);
      return 400;
    }
    for (const rs of parsed.resourceSpans ?? []) {
      const service = String(attributesOf(rs.resource?.attributes)['service.name'] ?? '');
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          this.spans.push({
            service,
            name: s.name,
            kind: s.kind ?? 0,
            traceId: hexId(s.traceId, 16),
            spanId: hexId(s.spanId, 8),
            parentSpanId: hexId(s.parentSpanId, 8),
            attributes: attributesOf(s.attributes),
            statusCode: s.status?.code ?? 0,
          });
        }
      }
    }
    return 200;
  }
}
