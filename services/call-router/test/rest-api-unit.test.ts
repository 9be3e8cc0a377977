// The REST call API's HTTP behaviour through fastify `inject`: bearer-token and loopback auth,
// schema validation, error bodies with stable codes, and the generated OpenAPI document. The
// cluster side (summaries in Redis, commands over NATS, the engine) is covered end to end in
// test/e2e/calls/rest-api.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallScript } from '@dragonpbx/shared/contracts';
import type { CallSummary, StoredContact } from '@dragonpbx/shared/state';
import type { FastifyInstance } from 'fastify';
import { PBX_ERR_API_CALL_UNKNOWN } from '../src/api/api-errors.js';
import { API_ROUTES, type ApiDeps } from '../src/api/api-routes.js';
import { buildApiServer } from '../src/api/api-server.js';
import { openApiDocument } from '../src/api/openapi.js';
import { PBX_ERR_CALL_LEG_STATE, PBX_ERR_UPDATE_LEG_HOOK } from '../src/call-router-errors.js';
import { configFrom, silent } from './helpers/config.js';

const TOKEN = 'unit-test-token-42';
const DOMAIN = 'api.test';
const LIVE: CallSummary = Object.freeze({
  callId: 'live-1@host',
  instanceId: 'cr-a',
  domain: DOMAIN,
  from: '1001',
  to: '1002',
  state: 'connected',
  startedAt: Date.UTC(2026, 0, 1, 10, 0, 0),
  answeredAt: Date.UTC(2026, 0, 1, 10, 0, 2),
  extensions: [],
  extra: { caller: { client: '1001' }, dialplanKey: '*', endpointB: { type: 'client', address: '1002' } },
});
const CONTACT: StoredContact = Object.freeze({
  uri: 'sip:1001@10.0.0.5:5062',
  source: { ip: '10.0.0.5', port: 5062, transport: 'udp' as const },
  callId: 'reg-call-id',
  cseq: 4,
  userAgent: 'phone/1.0',
  dialplan: { '*': { callHook: 'http://hooks/secret-path' } },
  proxy: 'sip:10.0.0.5:5062',
  expiresAt: Date.UTC(2026, 0, 1, 11, 0, 0),
  expiresIn: 300,
});

/** What the fake commands were asked, and what they throw per Call-ID. */
const asked: unknown[][] = [];
const commands: ApiDeps['commands'] = {
  async summary(domain, callId) {
    if (domain === DOMAIN && callId === LIVE.callId) return LIVE;
    throw new PBX_ERR_API_CALL_UNKNOWN(callId, domain);
  },
  async hangup(domain, callId, leg) {
    asked.push(['hangup', domain, callId, leg]);
    await commands.summary(domain, callId);
    if (leg === 'B') throw new PBX_ERR_CALL_LEG_STATE('the call has no bridged B leg');
  },
  async update(domain, callId, leg, body) {
    asked.push(['update', domain, callId, leg, body]);
    await commands.summary(domain, callId);
    if (leg === 'B') throw new PBX_ERR_CALL_LEG_STATE('the call has no bridged B leg to keep');
    if (!Array.isArray(body) && body.callHook.includes('broken')) throw new PBX_ERR_UPDATE_LEG_HOOK('480 Temporarily Unavailable');
    if (!Array.isArray(body) && body.callHook.includes('crash')) throw new Error('secret internal detail');
  },
};

let config: Awaited<ReturnType<typeof configFrom>>;
let withToken: FastifyInstance;
let loopbackOnly: FastifyInstance;

beforeAll(async () => {
  config = await configFrom({ domains: { [DOMAIN]: { domain_id: 7, clients: [], trunks: [] } } });
  const deps: ApiDeps & { logger: typeof silent } = {
    config: config.config,
    calls: { listByDomain: async (d) => (d === DOMAIN ? [LIVE] : []) },
    contacts: {
      listExtensions: async (d) => (d === DOMAIN ? ['1002', '1001'] : []),
      list: async (d, ext) => (d === DOMAIN && ext === '1001' ? [CONTACT] : []),
    },
    commands,
    logger: silent,
  };
  withToken = buildApiServer({ token: TOKEN }, deps);
  loopbackOnly = buildApiServer({}, deps);
});

afterAll(async () => {
  await withToken?.close();
  await loopbackOnly?.close();
  await config?.close();
});

const auth = { authorization: `Bearer ${TOKEN}` };
const call = (method: 'GET' | 'PUT' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = auth) =>
  withToken.inject({ method, url, headers, ...(payload !== undefined && { payload: payload as object }) });

describe('auth', () => {
  it('with API_TOKEN: no header, another scheme, a wrong or longer token → 401 PBX_ERR_API_UNAUTHORIZED with WWW-Authenticate: Bearer', async () => {
    for (const headers of [{} as Record<string, string>, { authorization: `Basic ${TOKEN}` }, { authorization: 'Bearer nope' }, { authorization: `Bearer ${TOKEN}x` }]) {
      const r = await call('GET', '/domains', undefined, headers);
      expect(r.statusCode).toBe(401);
      expect(r.json().code).toBe('PBX_ERR_API_UNAUTHORIZED');
      expect(r.headers['www-authenticate']).toBe('Bearer');
    }
    expect((await call('GET', '/domains')).json()).toEqual([DOMAIN]);
  });

  it('liveness and the OpenAPI document need no token', async () => {
    for (const url of ['/', '/health', '/docs/openapi.json']) expect((await call('GET', url, undefined, {})).statusCode).toBe(200);
  });

  it('without API_TOKEN: loopback clients only, whatever they send', async () => {
    const far = await loopbackOnly.inject({ method: 'GET', url: '/domains', remoteAddress: '10.1.2.3' });
    expect(far.statusCode).toBe(401);
    expect(far.json()).toEqual({ code: 'PBX_ERR_API_UNAUTHORIZED', message: 'unauthorized: no API_TOKEN configured; loopback clients only' });
    for (const remoteAddress of ['127.0.0.1', '::1']) {
      expect((await loopbackOnly.inject({ method: 'GET', url: '/domains', remoteAddress })).statusCode).toBe(200);
    }
  });
});

describe('reads', () => {
  it('GET /domains/{domain} is its domain_id, or false', async () => {
    expect((await call('GET', `/domains/${DOMAIN}`)).json()).toBe(7);
    expect((await call('GET', '/domains/other.test')).json()).toBe(false);
  });

  it('calls by domain name or domain_id, in the reference shape plus owner and state', async () => {
    const list = await call('GET', '/domains/7/calls');
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual([
      {
        domain: DOMAIN,
        callId: LIVE.callId,
        from: '1001',
        to: '1002',
        connected: true,
        endpointA: { client: '1001' },
        endpointB: { type: 'client', address: '1002' },
        lastStatus: 200,
        state: 'connected',
        instanceId: 'cr-a',
        startedAt: '2026-01-01T10:00:00.000Z',
        answeredAt: '2026-01-01T10:00:02.000Z',
      },
    ]);
    const one = await call('GET', `/domains/${DOMAIN}/calls/${encodeURIComponent(LIVE.callId)}`);
    expect(one.json()).toEqual(list.json()[0]);
  });

  it('clients: the registered extensions sorted, one client without its REGISTER Call-ID or dialplan', async () => {
    expect((await call('GET', `/domains/${DOMAIN}/clients`)).json()).toEqual(['1001', '1002']);
    const c = (await call('GET', `/domains/${DOMAIN}/clients/1001`)).json();
    expect(c).toEqual({
      domain: DOMAIN,
      username: '1001',
      contacts: [{ uri: CONTACT.uri, source: CONTACT.source, userAgent: 'phone/1.0', expiresAt: '2026-01-01T11:00:00.000Z', expiresIn: 300 }],
    });
  });
});

describe('errors with stable codes', () => {
  it('404: unknown domain (name or id), call, client, route', async () => {
    const cases: [string, string][] = [
      ['/domains/other.test/calls', 'PBX_ERR_API_DOMAIN_UNKNOWN'],
      ['/domains/8/calls', 'PBX_ERR_API_DOMAIN_UNKNOWN'],
      [`/domains/${DOMAIN}/calls/nope`, 'PBX_ERR_API_CALL_UNKNOWN'],
      [`/domains/${DOMAIN}/clients/1002`, 'PBX_ERR_API_CLIENT_UNKNOWN'],
      ['/nothing/here', 'PBX_ERR_API_ROUTE_UNKNOWN'],
      // A long Call-ID is still a Call-ID (fastify alone would answer 414 above 100 characters).
      [`/domains/${DOMAIN}/calls/${'c'.repeat(250)}`, 'PBX_ERR_API_CALL_UNKNOWN'],
    ];
    for (const [url, code] of cases) {
      const r = await call('GET', url);
      expect({ url, status: r.statusCode, code: r.json().code }).toEqual({ url, status: 404, code });
    }
  });

  it('400 PBX_ERR_API_BAD_REQUEST: a bad leg, an unknown query field, an unknown verb, a bad hook URL, extra fields, not JSON', async () => {
    const url = `/domains/${DOMAIN}/calls/${encodeURIComponent(LIVE.callId)}`;
    const bad = [
      await call('DELETE', `${url}?leg=C`),
      await call('DELETE', `${url}?side=A`),
      await call('PUT', url, [{ verb: 'dance' }]),
      await call('PUT', url, [{ verb: 'pause', duration: 'long' }]),
      await call('PUT', url, { callHook: 'not a url' }),
      await call('PUT', url, { callHook: 'http://hooks/new', extra: 1 }),
      await withToken.inject({ method: 'PUT', url, headers: { ...auth, 'content-type': 'application/json' }, payload: '[{"verb":' }),
      await call('GET', `/domains/${'x'.repeat(300)}/calls`),
    ];
    for (const r of bad) {
      expect(r.statusCode).toBe(400);
      expect(r.json()).toEqual({ code: 'PBX_ERR_API_BAD_REQUEST', message: expect.stringMatching(/^bad request: /) });
    }
    expect(asked).toEqual([]);
  });

  it('the engine refusals keep their code: 409 leg state (hang-up or update of a missing leg B), 480 CallHook; anything else 500 without details', async () => {
    const url = `/domains/${DOMAIN}/calls/${encodeURIComponent(LIVE.callId)}`;
    const script: CallScript = [{ verb: 'pause', duration: 1 }];
    const cases: [Promise<{ statusCode: number; json(): { code: string; message: string } }>, number, string][] = [
      [call('DELETE', `${url}?leg=B`), 409, 'PBX_ERR_CALL_LEG_STATE'],
      [call('PUT', `${url}?leg=B`, script), 409, 'PBX_ERR_CALL_LEG_STATE'],
      [call('PUT', url, { callHook: 'http://hooks/broken' }), 480, 'PBX_ERR_UPDATE_LEG_HOOK'],
      [call('PUT', url, { callHook: 'http://hooks/crash' }), 500, 'PBX_ERR_API_INTERNAL'],
    ];
    for (const [p, status, code] of cases) {
      const r = await p;
      expect({ status: r.statusCode, code: r.json().code }).toEqual({ status, code });
    }
    expect(JSON.stringify((await call('PUT', url, { callHook: 'http://hooks/crash' })).json())).not.toContain('secret');
  });

  it('accepted commands: DELETE 200 (leg A by default), PUT 202 with the script or CallHook passed on', async () => {
    asked.length = 0;
    const url = `/domains/7/calls/${encodeURIComponent(LIVE.callId)}`;
    const del = await call('DELETE', url);
    expect(del.statusCode).toBe(200);
    expect(del.json()).toEqual({ callId: LIVE.callId, leg: 'A', accepted: true });
    const script: CallScript = [{ verb: 'announce', url: 'file:/tone.wav' }];
    expect((await call('PUT', `${url}?leg=A`, script)).statusCode).toBe(202);
    const hook = { callHook: 'http://hooks/new', statusHook: 'http://hooks/status' };
    expect((await call('PUT', url, hook)).json()).toEqual({ callId: LIVE.callId, leg: 'A', accepted: true });
    expect(asked).toEqual([
      ['hangup', DOMAIN, LIVE.callId, 'A'],
      ['update', DOMAIN, LIVE.callId, 'A', script],
      ['update', DOMAIN, LIVE.callId, 'A', hook],
    ]);
  });
});

describe('OpenAPI document', () => {
  it('has every route with its parameters, bodies and error answers, and every $ref resolves', async () => {
    const doc = (await call('GET', '/docs/openapi.json')).json();
    expect(doc).toEqual(openApiDocument());
    for (const r of API_ROUTES) {
      const op = doc.paths[r.url.replace(/:(\w+)/g, '{$1}')]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.url}`).toBeDefined();
      for (const status of Object.keys(r.responses)) expect(op.responses[status]).toBeDefined();
    }
    const put = doc.paths['/domains/{did}/calls/{callId}'].put;
    expect(put.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(['path:did', 'path:callId', 'query:leg']);
    expect(Object.keys(put.responses).sort()).toEqual(['202', '400', '401', '404', '409', '480', '500', '501', '503']);
    expect(put.requestBody.content['application/json'].schema.anyOf).toEqual([{ $ref: '#/components/schemas/CallScript' }, { $ref: '#/components/schemas/UpdateLegHook' }]);
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(10);
    for (const name of refs) expect(doc.components.schemas[name], name).toBeDefined();
    expect(doc.components.schemas.CallScript.items.anyOf.length).toBeGreaterThanOrEqual(6);
  });
});
