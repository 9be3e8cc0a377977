import type { ConnectDest } from '@dragonpbx/shared/contracts';
import type { CallSummary, StoredContact } from '@dragonpbx/shared/state';
import type { CallView, ClientView } from './api-schemas.js';

/** A live-call summary (Redis, any replica's) as the REST API shows it. */
export function callView(s: CallSummary): CallView {
  const extra = s.extra ?? {};
  const connected = s.state === 'connected';
  return {
    domain: s.domain,
    callId: s.callId,
    from: s.from,
    to: s.to,
    connected,
    endpointA: endpointA(extra.caller),
    endpointB: (extra.endpointB as ConnectDest | null | undefined) ?? null,
    lastStatus: connected || s.answeredAt !== undefined ? 200 : null,
    state: s.state,
    instanceId: s.instanceId,
    startedAt: new Date(s.startedAt).toISOString(),
    ...(s.answeredAt !== undefined && { answeredAt: new Date(s.answeredAt).toISOString() }),
  };
}

function endpointA(caller: unknown): CallView['endpointA'] {
  if (caller === null || typeof caller !== 'object') return null;
  const c = caller as { client?: unknown; trunk?: unknown };
  if (typeof c.client === 'string') return { client: c.client };
  if (typeof c.trunk === 'number') return { trunk: c.trunk };
  return null;
}

/** A registered extension's contacts, without the REGISTER's Call-ID, CSeq or dialplan. */
export function clientView(domain: string, username: string, contacts: readonly StoredContact[]): ClientView {
  return {
    domain,
    username,
    contacts: contacts.map((c) => ({
      uri: c.uri,
      source: { ip: c.source.ip, port: c.source.port, transport: c.source.transport },
      ...(c.userAgent !== undefined && { userAgent: c.userAgent }),
      ...(c.codecs !== undefined && { codecs: [...c.codecs] }),
      expiresAt: new Date(c.expiresAt).toISOString(),
      expiresIn: c.expiresIn,
    })),
  };
}
