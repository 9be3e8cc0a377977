import type { ConfigSource } from '@dragonpbx/shared/config';
import type { CallStore, ContactStore } from '@dragonpbx/shared/state';
import type { TSchema } from '@sinclair/typebox';
import { PBX_ERR_API_CLIENT_UNKNOWN, PBX_ERR_API_DOMAIN_UNKNOWN } from './api-errors.js';
import {

  CallListSchema,
  CallParamsSchema,
  CallViewSchema,
  ClientListSchema,
  ClientParamsSchema,
  ClientViewSchema,
  CommandResultSchema,
  DomainIdSchema,
  DomainListSchema,
  DomainParamsSchema,
  HealthSchema,
  type Leg,
  LegQuerySchema,
  UpdateLegBodySchema,
  type UpdateLegBody,
} from './api-schemas.js';
import type { CallCommands } from './call-commands.js';
import { callView, clientView } from './call-view.js';

/** What the routes read and command. */
export interface ApiDeps {
  readonly config: Pick<ConfigSource, 'listDomains' | 'getDomain'>;
  readonly calls: Pick<CallStore, 'listByDomain'>;
  readonly contacts: Pick<ContactStore, 'list' | 'listExtensions'>;
  readonly commands: Pick<CallCommands, 'summary' | 'hangup' | 'update'>;
}

/** A route's input once validated against its schemas. */
export interface RouteInput {
  readonly params: Record<string, string>;
  readonly query: Record<string, string | undefined>;
  readonly body: unknown;
}

/** One route: its schemas (validation and OpenAPI) and its handler, which answers `[status, body]`. */
export interface ApiRoute {
  readonly method: 'GET' | 'PUT' | 'DELETE';
  /** fastify syntax (`:param`). */
  readonly url: string;
  readonly summary: string;
  /** False for liveness: no token needed. @defaultValue true */
  readonly auth?: boolean;
  readonly params?: TSchema;
  readonly query?: TSchema;
  readonly body?: TSchema;
  /** Status → body schema; every route may also answer the errors in {@link ERROR_STATUSES}. */
  readonly responses: Readonly<Record<number, TSchema>>;
  /** Error statuses this route answers besides 400/401/500. */
  readonly errors?: readonly number[];
  handle(input: RouteInput, deps: ApiDeps): Promise<[number, unknown]>;
}

/** Error answers every authenticated route may give. */
export const ERROR_STATUSES: readonly number[] = [400, 401, 500];

const health: ApiRoute['handle'] = async () => [200, { status: 'ok' }];

/**
 * The reference's REST paths (docs/contract.md §5.1), declared once: the server
 * registers them and `/docs/openapi.json` is generated from this table.
 */
export const API_ROUTES: readonly ApiRoute[] = [
  { method: 'GET', url: '/', summary: 'Liveness', auth: false, responses: { 200: HealthSchema }, handle: health },
  { method: 'GET', url: '/health', summary: 'Liveness', auth: false, responses: { 200: HealthSchema }, handle: health },
  {
    method: 'GET',
    url: '/domains',
    summary: 'The configured domains',
    responses: { 200: DomainListSchema },
    handle: async (_in, d) => [200, d.config.listDomains()],
  },
  {
    method: 'GET',
    url: '/domains/:did',
    summary: "A domain's domain_id, or false when it is not configured",
    params: DomainParamsSchema,
    responses: { 200: DomainIdSchema },
    handle: async (i, d) => [200, d.config.getDomain(i.params.did!)],
  },
  {
    method: 'GET',
    url: '/domains/:did/calls',
    summary: "The domain's live calls, on every call-router replica",
    params: DomainParamsSchema,
    responses: { 200: CallListSchema },
    errors: [404],
    handle: async (i, d) => [200, (await d.calls.listByDomain(domainOf(i, d))).map(callView)],
  },
  {
    method: 'GET',
    url: '/domains/:did/calls/:callId',
    summary: 'One live call',
    params: CallParamsSchema,
    responses: { 200: CallViewSchema },
    errors: [404],
    handle: async (i, d) => [200, callView(await d.commands.summary(domainOf(i, d), i.params.callId!))],
  },
  {
    method: 'DELETE',
    url: '/domains/:did/calls/:callId',
    summary: 'Hang up a leg (default A: the caller, and with it the call); B: the bridged leg, the script goes on',
    params: CallParamsSchema,
    query: LegQuerySchema,
    responses: { 200: CommandResultSchema },
    errors: [404, 409, 503],
    handle: async (i, d) => {
      const leg = legOf(i);
      await d.commands.hangup(domainOf(i, d), i.params.callId!, leg);
      return [200, { callId: i.params.callId!, leg, accepted: true }];
    },
  },
  {
    method: 'PUT',
    url: '/domains/:did/calls/:callId',
    summary: 'Update a leg: keep it, drop the other, and run a verb array (or the script a CallHook answers with trigger "updateLeg")',
    params: CallParamsSchema,
    query: LegQuerySchema,
    body: UpdateLegBodySchema,
    responses: { 202: CommandResultSchema },
    errors: [404, 409, 480, 501, 503],
    handle: async (i, d) => {
      const leg = legOf(i);
      await d.commands.update(domainOf(i, d), i.params.callId!, leg, i.body as UpdateLegBody);
      return [202, { callId: i.params.callId!, leg, accepted: true }];
    },
  },
  {
    method: 'GET',
    url: '/domains/:did/clients',
    summary: 'Registered extensions of the domain',
    params: DomainParamsSchema,
    responses: { 200: ClientListSchema },
    errors: [404],
    handle: async (i, d) => [200, (await d.contacts.listExtensions(domainOf(i, d))).sort()],
  },
  {
    method: 'GET',
    url: '/domains/:did/clients/:cid',
    summary: "One extension's live registrations",
    params: ClientParamsSchema,
    responses: { 200: ClientViewSchema },
    errors: [404],
    handle: async (i, d) => {
      const domain = domainOf(i, d);
      const user = i.params.cid!;
      const contacts = await d.contacts.list(domain, user);
      if (contacts.length === 0) throw new PBX_ERR_API_CLIENT_UNKNOWN(user, domain);
      return [200, clientView(domain, user, contacts)];
    },
  },
];

/** `{did}`: a configured domain's name, or its numeric domain_id. @throws PBX_ERR_API_DOMAIN_UNKNOWN */
function domainOf(i: RouteInput, d: ApiDeps): string {
  const did = i.params.did!;
  if (d.config.getDomain(did) !== false) return did;
  if (/^\d{1,9}$/.test(did)) {
    const id = Number(did);
    const byId = d.config.listDomains().find((name) => d.config.getDomain(name) === id);
    if (byId !== undefined) return byId;
  }
  throw new PBX_ERR_API_DOMAIN_UNKNOWN(JSON.stringify(did));
}

function legOf(i: RouteInput): Leg {
  return i.query.leg === 'B' ? 'B' : 'A';
}
