import type { TSchema } from '@sinclair/typebox';
import { API_ROUTES, type ApiRoute, ERROR_STATUSES } from './api-routes.js';
import { NAMED_SCHEMAS } from './api-schemas.js';

const REASONS: Readonly<Record<number, string>> = {
  200: 'OK',
  202: 'Accepted',
  400: 'Malformed parameter, query or body',
  401: 'Missing or wrong bearer token',
  404: 'No such domain, call, client or route',
  409: 'The leg is not in a state for this command',
  480: 'The CallHook gave no usable script',
  500: 'Internal error',
  501: 'Not implemented',
  503: "The call's owning call-router did not answer",
};

/**
 * The OpenAPI 3.1 document of the REST call API, generated from
 * {@link API_ROUTES} and their schemas (served at `/docs/openapi.json`).
 */
export function openApiDocument(routes: readonly ApiRoute[] = API_ROUTES): Record<string, unknown> {
  const names = new Map<unknown, string>(Object.entries(NAMED_SCHEMAS).map(([name, schema]) => [schema, name]));
  const json = (schema: TSchema): unknown => toJson(schema, names);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const responses: Record<string, unknown> = {};
    for (const [status, schema] of Object.entries(r.responses)) {
      responses[status] = { description: REASONS[Number(status)] ?? '', content: { 'application/json': { schema: json(schema) } } };
    }
    const errors = r.auth === false ? [] : [...ERROR_STATUSES, ...(r.errors ?? [])];
    for (const status of [...new Set(errors)].sort()) {
      responses[String(status)] = { description: REASONS[status] ?? '', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    }
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = {
      summary: r.summary,
      ...(r.auth === false && { security: [] }),
      parameters: [...parameters(r.params, 'path', json), ...parameters(r.query, 'query', json)],
      ...(r.body && { requestBody: { required: true, content: { 'application/json': { schema: json(r.body) } } } }),
      responses,
    };
  }
  const components: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(NAMED_SCHEMAS)) components[name] = toJson(schema, names, true);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Dragon PBX call API',
      version: '1',
      description: 'Live calls, hang-up, update-leg and registered clients (docs/contract.md §5.1). Errors are {code, message} with a stable PBX_ERR_ code.',
    },
    security: [{ bearer: [] }],
    paths,
    components: { schemas: components, securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API_TOKEN' } } },
  };
}

function parameters(schema: TSchema | undefined, where: 'path' | 'query', json: (s: TSchema) => unknown): unknown[] {
  if (schema === undefined) return [];
  const props = (schema.properties ?? {}) as Record<string, TSchema>;
  const required = new Set<string>((schema.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    ...(typeof s.description === 'string' && { description: s.description }),
    schema: json(s),
  }));
}

/** Plain JSON Schema (TypeBox's symbol keys dropped), named schemas as `$ref`s except at the top of their own definition. */
function toJson(schema: unknown, names: ReadonlyMap<unknown, string>, top = false): unknown {
  if (!top && names.has(schema)) return { $ref: `#/components/schemas/${names.get(schema)}` };
  if (Array.isArray(schema)) return schema.map((s) => toJson(s, names));
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) out[k] = toJson(v, names);
  return out;
}
