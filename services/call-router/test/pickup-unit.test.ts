import { randomBytes } from 'node:crypto';
import type { StatusEventName } from '@dragonpbx/shared/contracts';
import { type CallSummary, StateStore } from '@dragonpbx/shared/state';
import { until } from '@dragonpbx/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallSummaryKeeper } from '../src/engine/call-summary-keeper.js';
import type { PickupEnd, PickupRequest, PickupTarget } from '../src/verbs/pickup/pickup-join.js';
import { clientExtensions, pickupCandidates, pickupKindOf, pickupTargets } from '../src/verbs/pickup/pickup-target.js';
import { type PickupServices, runPickup } from '../src/verbs/pickup/pickup-verb.js';
import { type RemotePickup, type RemotePickupReply, type RemotePickups, pickupHere, pickupThere } from '../src/verbs/pickup/remote-pickup.js';
import type { VerbContext, VerbServices } from '../src/verbs/verb-context.js';
import { silent } from './helpers/config.js';

const prefix = `test:cr-pickup-${randomBytes(4).toString('hex')}:`;
const DOMAIN = 'pickup.test';
let redis: Redis;
let state: StateStore;

beforeAll(() => {
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  state = new StateStore({ keyPrefix: prefix }, { redis });
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

const summary = (callId: string, extra: Record<string, unknown>, startedAt = Date.now(), instanceId = 'me'): CallSummary => ({
  callId,
  instanceId,
  domain: DOMAIN,
  from: '1001',
  to: '1002',
  state: 'ringing',
  startedAt,
  extensions: [...((extra.ringing as string[]) ?? []), ...(extra.endpointB ? [(extra.endpointB as { address: string }).address] : [])],
  extra,
});

describe('pickup targets', () => {
  it('target lists: a string or an array, repeats dropped, order kept', () => {
    expect(pickupTargets({ target: '1002' })).toEqual(['1002']);
    expect(pickupTargets({ target: ['1003', '1002', '1003'] })).toEqual(['1003', '1002']);
  });

  it('a call is ringing at an extension its connect rings, connected at its bridged client, else not there', () => {
    const ringing = summary('r', { ringing: ['1002', '1003'] });
    const connected = summary('c', { ringing: [], endpointB: { type: 'client', address: '1002' } });
    const trunk = summary('t', { endpointB: { type: 'trunk', address: '1002', trunk_id: 8 } });
    expect([pickupKindOf(ringing, '1003'), pickupKindOf(connected, '1002'), pickupKindOf(trunk, '1002'), pickupKindOf(ringing, '1009')]).toEqual([
      'ringing',
      'connected',
      undefined,
      undefined,
    ]);
  });

  it('a ringing call its client placed is an outbound takeover at the caller, taken by state any or ringing only', () => {
    const placed = { ...summary('o', { caller: { client: '1001' }, ringing: [] }), extensions: ['1001'] };
    expect(pickupKindOf(placed, '1001')).toBe('outbound');
    expect(pickupKindOf({ ...placed, state: 'connected' }, '1001')).toBeUndefined();
    expect(pickupCandidates([placed], '1001', 'ringing', 'p').map((c) => c.kind)).toEqual(['outbound']);
    expect(pickupCandidates([placed], '1001', 'connected', 'p')).toEqual([]);
  });

  it('candidates: the state filter, never the picker’s own call, the oldest first', () => {
    const now = Date.now();
    const all = [
      summary('newer-ringing', { ringing: ['1002'] }, now),
      summary('older-connected', { endpointB: { type: 'client', address: '1002' } }, now - 5000),
      summary('own', { ringing: ['1002'] }, now - 9000),
    ];
    expect(pickupCandidates(all, '1002', undefined, 'own').map((c) => `${c.summary.callId}:${c.kind}`)).toEqual(['older-connected:connected', 'newer-ringing:ringing']);
    expect(pickupCandidates(all, '1002', 'any', 'own')).toHaveLength(2);
    expect(pickupCandidates(all, '1002', 'ringing', 'own').map((c) => c.summary.callId)).toEqual(['newer-ringing']);
    expect(pickupCandidates(all, '1002', 'connected', 'own').map((c) => c.summary.callId)).toEqual(['older-connected']);
  });

  it('only client destinations count as ringing extensions', () => {
    expect(clientExtensions([{ type: 'client', address: '1002' }, { type: 'sip', address: 'sip:x@y' }, { type: 'client', address: '1002' }, { type: 'trunk', address: '1003', trunk_id: 7 }])).toEqual([
      '1002',
    ]);
  });

  it('a summary the keeper writes to Redis is found by its ringing extension, across instances', async () => {
    const keeper = new CallSummaryKeeper(state.calls, 30, silent);
    keeper.put({ ...summary(`k-${prefix}`, {}, Date.now(), 'other-router'), state: 'trying', extensions: [] });
    keeper.update({ state: 'ringing', extensions: ['1005'] });
    keeper.extra({ ringing: ['1005'] });
    // The keeper writes at the end of the turn, in the background.
    await until(async () => (await state.calls.findByExtension(DOMAIN, '1005')).length > 0, 2000, 'the summary in Redis');
    const found = await state.calls.findByExtension(DOMAIN, '1005');
    expect(pickupCandidates(found, '1005', 'ringing', 'picker').map((c) => [c.summary.callId, c.summary.instanceId, c.kind])).toEqual([[`k-${prefix}`, 'other-router', 'ringing']]);
    await keeper.remove();
    expect(await state.calls.findByExtension(DOMAIN, '1005')).toEqual([]);
  });
});

/** A verb context that records events; the picker's SDP and answer are not used by these outcomes. */
function context(pickup: PickupServices, answered = false): { ctx: VerbContext; events: [StatusEventName, Record<string, unknown> | undefined][] } {
  const events: [StatusEventName, Record<string, unknown> | undefined][] = [];
  const ctx = {
    callId: 'picker-call',
    signal: new AbortController().signal,
    answered,
    caller: { sdp: 'v=0\r\n', fromTag: 'ptag', from: '1003', codecs: ['PCMU'], domain: DOMAIN },
    emit: (event: StatusEventName, extra?: Record<string, unknown>) => events.push([event, extra]),
    services: { pickup } as unknown as VerbServices,
    logger: silent,
  } as unknown as VerbContext;
  return { ctx, events };
}

/** A call of this replica that answers pickups with `end` and records the requests. */
function localCall(end: PickupEnd): PickupTarget & { requests: PickupRequest[] } {
  const requests: PickupRequest[] = [];
  return {
    requests,
    pickUp: (r) => {
      requests.push(r);
      return Promise.resolve(end);
    },
  };
}

describe('runPickup', () => {
  it('nothing to pick up: pickup:start then pickup:notfound, and the script goes on', async () => {
    const { ctx, events } = context({ instanceId: 'me', calls: state.calls, target: () => undefined });
    expect(await runPickup({ verb: 'pickup', target: ['1097', '1098'] }, ctx)).toBe('next');
    expect(events).toEqual([
      ['pickup:start', { target: ['1097', '1098'], state: 'any' }],
      ['pickup:notfound', { target: ['1097', '1098'] }],
    ]);
  });

  it('a refused candidate is passed over for the next; a bridged one ends the script with pickup:hangup', async () => {
    const refused = localCall({ outcome: 'refused', why: 'no longer ringing' });
    const taken = localCall({ outcome: 'bridged', endedby: 'party' });
    const calls = {
      findByExtension: async (_d: string, ext: string) => (ext === '1002' ? [summary('gone', { ringing: ['1002'] }, 1), summary('live', { endpointB: { type: 'client', address: '1002' } }, 2)] : []),
    };
    const targets: Record<string, PickupTarget> = { gone: refused, live: taken };
    const { ctx, events } = context({ instanceId: 'me', calls, target: (id) => targets[id] });
    expect(await runPickup({ verb: 'pickup', target: ['1001', '1002'] }, ctx)).toBe('end');
    expect(refused.requests.map((r) => [r.kind, r.ext])).toEqual([['ringing', '1002']]);
    expect(taken.requests.map((r) => [r.kind, r.ext, r.picker.dest])).toEqual([['connected', '1002', { type: 'client', address: '1003' }]]);
    expect(events.map((e) => e[0])).toEqual(['pickup:start', 'pickup:hangup']);
    expect(events[1]![1]).toEqual({ endedby: 'party' });
  });

  it('a call owned by another replica is skipped (PBX_ERR_PICKUP_REMOTE); a failure before the answer goes on', async () => {
    const failing = localCall({ outcome: 'failed', status: 488, reason: 'Not Acceptable Here', answered: false });
    const calls = { findByExtension: async () => [summary('remote', { ringing: ['1002'] }, 1, 'other'), summary('local', { ringing: ['1002'] }, 2)] };
    const { ctx, events } = context({ instanceId: 'me', calls, target: (id) => (id === 'local' ? failing : undefined) });
    expect(await runPickup({ verb: 'pickup', target: '1002', state: 'ringing' }, ctx)).toBe('next');
    expect(failing.requests).toHaveLength(1);
    expect(events).toEqual([
      ['pickup:start', { target: ['1002'], state: 'ringing' }],
      ['pickup:error', { picked: 'local', ext: '1002', error: { status: 488, reason: 'Not Acceptable Here' } }],
    ]);
  });

  it('an answered call cannot pick up: pickup:error and the next verb', async () => {
    const { ctx, events } = context({ instanceId: 'me', calls: state.calls, target: () => undefined }, true);
    expect(await runPickup({ verb: 'pickup', target: '1002' }, ctx)).toBe('next');
    expect(events.map((e) => e[0])).toEqual(['pickup:start', 'pickup:error']);
  });
});

describe('pickup across replicas', () => {
  const cmd: RemotePickup = { kind: 'ringing', ext: '1002', picker: { callId: 'p', domain: DOMAIN, sdp: 'v=0 picker', tag: 'pt', from: '1003' } };

  it('owner side: replies with the SDP the call answers the picker with; the picker is hung up through the callback', async () => {
    let hungUp = 0;
    let bridged: Promise<PickupEnd> | undefined;
    const target: PickupTarget = {
      pickUp: (r) => {
        expect(r.picker).toMatchObject({ callId: 'p', sdp: 'v=0 picker', tag: 'pt', dest: { type: 'client', address: '1003' } });
        bridged = r.picker.answer('v=0 engine').then(async (leg) => {
          expect(leg.dialog).toBeUndefined();
          await leg.hangup();
          return { outcome: 'bridged', endedby: 'party' } as const;
        });
        return bridged;
      },
    };
    expect(await pickupHere(target, cmd, async () => void hungUp++, 5000)).toEqual({ outcome: 'answer', sdp: 'v=0 engine' });
    await bridged;
    expect(hungUp).toBe(1);
    expect(await pickupHere({ pickUp: async () => ({ outcome: 'refused', why: 'gone' }) }, cmd, async () => undefined, 5000)).toEqual({ outcome: 'refused', why: 'gone' });
  });

  it('owner side: an outbound takeover not answered before the picker stops waiting is given up (the picker signal aborts)', async () => {
    let signal: AbortSignal | undefined;
    const waiting: PickupTarget = {
      pickUp: (r) => {
        signal = r.picker.signal;
        return new Promise(() => undefined);
      },
    };
    expect(await pickupHere(waiting, { ...cmd, kind: 'outbound' }, async () => undefined, 50)).toEqual({ outcome: 'refused', why: 'the far end did not answer in time' });
    expect(signal?.aborted).toBe(true);
  });

  it('picker side: a refusal or an unreachable owner lets the next candidate be tried; an answer the picker cannot take drops the target', async () => {
    const candidate = { summary: summary('t', { ringing: ['1002'] }, 1, 'other'), ext: '1002', kind: 'ringing' as const };
    const { ctx } = context({ instanceId: 'me', calls: state.calls, target: () => undefined });
    const hangups: string[] = [];
    const remote = (reply: RemotePickupReply | Error): RemotePickups => ({
      pickup: async (owner, callId, p) => {
        expect([owner, callId, p.picker.from, p.picker.domain]).toEqual(['other', 't', '1003', DOMAIN]);
        if (reply instanceof Error) throw reply;
        return reply;
      },
      hangup: async (_d, callId, leg) => void hangups.push(`${callId}/${leg}`),
    });
    const picker = {
      callId: 'picker-call',
      sdp: 'v=0',
      tag: 'pt',
      dest: { type: 'client' as const, address: '1003' },
      signal: new AbortController().signal,
      answer: () => Promise.reject(new Error('the picker hung up')),
    };
    expect(await pickupThere(candidate, picker, remote({ outcome: 'refused', why: 'not ringing' }), ctx)).toEqual({ outcome: 'refused', why: 'not ringing' });
    expect((await pickupThere(candidate, picker, remote(new Error('no responders')), ctx)).outcome).toBe('refused');
    expect(await pickupThere(candidate, picker, remote({ outcome: 'answer', sdp: 'v=0 engine' }), ctx)).toMatchObject({ outcome: 'failed', answered: false });
    expect(hangups).toEqual(['t/B']);
  });
});
