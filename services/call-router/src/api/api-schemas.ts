import { CallScriptSchema, ConnectDestSchema, HookUrlSchema } from '@dragonpbx/shared/contracts';
import { type Static, Type } from '@sinclair/typebox';

/**
 * Every request and response shape of the REST call API, declared once: the
 * routes validate against them and `/docs/openapi.json` is generated from them.
 */

/** `{code, message}`: the body of every error answer. */
export const ApiErrorSchema = Type.Object(
  {
    code: Type.String({ pattern: '^PBX_ERR_[A-Z0-9_]+$', description: 'Stable error code' }),
    message: Type.String(),
  },
  { title: 'Error' },
);

const Domain = Type.String({ minLength: 1, maxLength: 253, pattern: '^[^/\\s]+$', description: 'Domain name, or its numeric domain_id' });
const CallId = Type.String({ minLength: 1, maxLength: 256, description: "The caller's SIP Call-ID" });
const User = Type.String({ minLength: 1, maxLength: 128, description: 'Extension (username)' });

export const DomainParamsSchema = Type.Object({ did: Domain });
export const CallParamsSchema = Type.Object({ did: Domain, callId: CallId });
export const ClientParamsSchema = Type.Object({ did: Domain, cid: User });

export const LegSchema = Type.Union([Type.Literal('A'), Type.Literal('B')], { description: 'A: the caller; B: the bridged destination' });
export type Leg = Static<typeof LegSchema>;
export const LegQuerySchema = Type.Object({ leg: Type.Optional(LegSchema) }, { additionalProperties: false });

/** The body of `PUT …/calls/{callId}`: a verb array, or a CallHook to fetch one from. */
export const UpdateLegHookSchema = Type.Object(
  {
    callHook: HookUrlSchema,
    statusHook: Type.Optional(HookUrlSchema),
  },
  { additionalProperties: false, title: 'UpdateLegHook', description: 'Fetch the new script from this CallHook (trigger "updateLeg")' },
);
export const UpdateLegBodySchema = Type.Union([CallScriptSchema, UpdateLegHookSchema], { title: 'UpdateLeg' });
export type UpdateLegBody = Static<typeof UpdateLegBodySchema>;

export const DomainListSchema = Type.Array(Type.String(), { title: 'DomainList', description: 'Configured domain names' });
export const DomainIdSchema = Type.Union([Type.Integer(), Type.Literal(false)], { description: "The domain's domain_id, or false when it is not configured" });

/** Where a call came from: a registered client or a trunk. */
const EndpointASchema = Type.Union([Type.Object({ client: Type.String() }), Type.Object({ trunk: Type.Integer() }), Type.Null()]);

export const CallViewSchema = Type.Object(
  {
    domain: Type.String(),
    callId: Type.String(),
    from: Type.String({ description: 'From user' }),
    to: Type.String({ description: 'Dialled number' }),
    connected: Type.Boolean({ description: 'The caller is answered' }),
    endpointA: EndpointASchema,
    endpointB: Type.Union([ConnectDestSchema, Type.Null()], { description: 'The bridged destination, null while none' }),
    lastStatus: Type.Union([Type.Integer(), Type.Null()], { description: 'Final status the caller got (200 once answered), null before' }),
    state: Type.Union([Type.Literal('trying'), Type.Literal('ringing'), Type.Literal('connected'), Type.Literal('ending')]),
    instanceId: Type.String({ description: 'The call-router replica that owns the call' }),
    startedAt: Type.String({ format: 'date-time' }),
    answeredAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { title: 'Call' },
);
export type CallView = Static<typeof CallViewSchema>;
export const CallListSchema = Type.Array(CallViewSchema, { title: 'CallList' });

export const CommandResultSchema = Type.Object(
  { callId: Type.String(), leg: LegSchema, accepted: Type.Boolean() },
  { title: 'CommandResult' },
);

export const ClientListSchema = Type.Array(Type.String(), { title: 'ClientList', description: 'Extensions with at least one live registration' });

const ContactViewSchema = Type.Object({
  uri: Type.String(),
  source: Type.Object({ ip: Type.String(), port: Type.Integer(), transport: Type.String() }),
  userAgent: Type.Optional(Type.String()),
  codecs: Type.Optional(Type.Array(Type.String())),
  expiresAt: Type.String({ format: 'date-time' }),
  expiresIn: Type.Integer({ description: 'Seconds left' }),
});
export const ClientViewSchema = Type.Object(
  { domain: Type.String(), username: Type.String(), contacts: Type.Array(ContactViewSchema) },
  { title: 'Client' },
);
export type ClientView = Static<typeof ClientViewSchema>;

export const HealthSchema = Type.Object({ status: Type.Literal('ok') }, { title: 'Health' });

/** Schemas the OpenAPI document names under `components.schemas` (and refers to). */
export const NAMED_SCHEMAS = {
  Error: ApiErrorSchema,
  Call: CallViewSchema,
  CallScript: CallScriptSchema,
  UpdateLegHook: UpdateLegHookSchema,
  Client: ClientViewSchema,
} as const;
