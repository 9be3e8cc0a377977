// Blind transfer (REFER, docs/contract.md §5.2) and reconnect (§4.2) through the real stack: SIPp
// phones register and call through the SIP server and a call-router, media anchored in the
// shared RTPEngine. The transferor's NOTIFY message/sipfrag bodies are written to a file by its
// SIPp scenario and asserted in order; the party that stays is re-INVITEd onto the new bridge.
// Ports 28300-28399 (below the shared RTPEngine's media range, 30000-34999).
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallStack, DOMAIN, sipPort } from './support/call-stack.js';
import { describeSipp, registerPhones, sippPhones } from './support/sipp.js';

const SIP = sipPort(28300);
/** Each phone's SIP port, where it registers and then answers. */
const PHONE: Record<string, number> = { '1001': 28320, '1002': 28321, '1003': 28322 };
/** SIPp media ports (each takes the port and the port + 2). */
const MEDIA: Record<string, number> = { '1001': 28330, '1002': 28334, '1003': 28338 };
const target = `127.0.0.1:${SIP}`;
let stack: CallStack;

beforeAll(async () => {
  stack = await CallStack.start({ ports: { sip: SIP, admin: 28301, ops: 28302 }, routers: 1, codecs: () => ['PCMU'] });
  await registerPhones(target, DOMAIN, PHONE, (u) => MEDIA[u]!);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

const { phone, call } = sippPhones({ target, domain: DOMAIN, sipPorts: PHONE, mediaPorts: MEDIA, phoneVars: { domain: DOMAIN } });
const client = (address: string) => ({ type: 'client', address });

/** The CallHook answers `first` to the call and `transfer` to a REFER's fetch (`refer: true`). */
function scripts(first: unknown[], transfer: unknown[] = []): void {
  stack.hook.route('/call', (body) => ({ kind: 'json', body: body.refer === true ? transfer : first }));
}

let files = 0;
/** A fresh file a SIPp scenario appends to. */
const outFile = () => join(stack.dir, `out-${++files}.txt`);
const lines = (file: string) => {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean);
  } finally {
    rmSync(file, { force: true });
  }
};

describe('blind transfer (REFER)', () => {
  it('by the called party: 202, NOTIFY 100/180/200, CallHook with refer:true, the caller re-INVITEd onto 1003', async () => {
    scripts([{ verb: 'connect', dest: client('1002'), statusLabel: 'first' }], [{ verb: 'connect', dest: client('1003'), statusLabel: 'transfer' }]);
    const notes = outFile();
    const reinvite = outFile();
    const transferor = phone('1002', 'uas-answer-refer.xml', { hold: '500', referto: '1003', out: notes });
    const newParty = phone('1003', 'uas-answer-wait-bye.xml');
    const hooks = stack.hook.callsTo('/call').length;
    const a = await call('1001', '1002', 'uac-call-reinvited.xml', { hold: '500', out: reinvite }).done;
    expect(a.code, describeSipp(a)).toBe(0);
    for (const p of [transferor, newParty]) {
      const r = await p.done;
      expect(r.code, describeSipp(r)).toBe(0);
    }
    expect(lines(notes)).toEqual(['SIP/2.0 100 Trying active', 'SIP/2.0 180 Ringing active', 'SIP/2.0 200 OK terminated']);
    expect(lines(reinvite)).toEqual([expect.stringMatching(/^REINVITE \d+$/)]);

    const fetches = stack.hook.callsTo('/call').slice(hooks).map((c) => c.body);
    expect(fetches).toHaveLength(2);
    const callId = String(fetches[0]!.callId);
    expect(fetches[1]).toMatchObject({ domain: DOMAIN, from: 'transferor', to: '1003', callId, source: 'client', refer: true, count: 0, sourceAddress: '127.0.0.1' });
    expect(fetches[1]!.headers).toMatchObject({ 'refer-to': `<sip:1003@${DOMAIN}>` });

    const events = await stack.eventsUntil(callId, 'connect:hangup');
    await stack.eventsUntil(callId, 'connect:complete');
    const names = stack.names(callId);
    expect(names).toEqual([
      'connect:start',
      'connect:trying',
      'connect:answered',
      'connect:refer',
      'connect:complete',
      'connect:start',
      'connect:trying',
      'connect:answered',
      'connect:hangup',
      'connect:complete',
    ]);
    const refer = stack.events(callId).find((e) => e.event === 'connect:refer')!;
    expect(refer).toMatchObject({ label: 'first' });
    expect(String(refer.req)).toMatch(/^REFER sip:/);
    expect(events.find((e) => e.event === 'connect:hangup')).toMatchObject({ label: 'transfer', endedby: 'A' });
  });

  it('by the caller, which the original refused: 202, NOTIFY progress, the called party re-INVITEd onto 1003', async () => {
    scripts([{ verb: 'connect', dest: client('1002') }], [{ verb: 'connect', dest: client('1003') }]);
    const notes = outFile();
    const reinvite = outFile();
    const stays = phone('1002', 'uas-answer-reinvited.xml', { out: reinvite });
    // 1003 hangs up after a while; the PBX then hangs up 1002, the party that stayed.
    const newParty = phone('1003', 'uas-answer-send-bye.xml', { hold: '500' });
    const hooks = stack.hook.callsTo('/call').length;
    const a = await call('1001', '1002', 'uac-call-refer.xml', { hold: '500', referto: '1003', out: notes }).done;
    expect(a.code, describeSipp(a)).toBe(0);
    for (const p of [stays, newParty]) {
      const r = await p.done;
      expect(r.code, describeSipp(r)).toBe(0);
    }
    expect(lines(notes)).toEqual(['SIP/2.0 100 Trying active', 'SIP/2.0 180 Ringing active', 'SIP/2.0 200 OK terminated']);
    expect(lines(reinvite)).toEqual([expect.stringMatching(/^REINVITE \d+$/)]);
    const fetches = stack.hook.callsTo('/call').slice(hooks).map((c) => c.body);
    expect(fetches[1]).toMatchObject({ from: '1001', to: '1003', callId: fetches[0]!.callId, refer: true, count: 0, source: 'client' });
    const callId = String(fetches[0]!.callId);
    await stack.eventsUntil(callId, 'connect:hangup');
    await stack.eventsUntil(callId, 'connect:complete');
    expect(stack.names(callId).slice(3)).toEqual(['connect:refer', 'connect:complete', 'connect:start', 'connect:trying', 'connect:answered', 'connect:hangup', 'connect:complete']);
    expect(stack.events(callId).find((e) => e.event === 'connect:hangup')).toMatchObject({ endedby: 'B' });
  });

  it('to a destination that fails: the final NOTIFY carries its 486, then the script ends and the caller is hung up', async () => {
    scripts([{ verb: 'connect', dest: client('1002') }], [{ verb: 'connect', dest: client('1003') }]);
    const notes = outFile();
    const transferor = phone('1002', 'uas-answer-refer.xml', { hold: '400', referto: '1003', out: notes });
    const busy = phone('1003', 'uas-busy.xml');
    const a = await call('1001', '1002', 'uac-call-wait-bye.xml').done;
    expect(a.code, describeSipp(a)).toBe(0);
    for (const p of [transferor, busy]) {
      const r = await p.done;
      expect(r.code, describeSipp(r)).toBe(0);
    }
    expect(lines(notes)).toEqual(['SIP/2.0 100 Trying active', 'SIP/2.0 486 Busy Here terminated']);
    const callId = stack.lastCallId();
    const events = await stack.eventsUntil(callId, 'connect:error');
    expect(events.find((e) => e.event === 'connect:error')).toMatchObject({ error: { status: 486 } });
  });

  it('on an answered call that is not bridged (B hung up, the script pauses): 403, no transfer', async () => {
    scripts([{ verb: 'connect', dest: client('1002') }, { verb: 'pause', duration: 1.5 }], [{ verb: 'connect', dest: client('1003') }]);
    const first = phone('1002', 'uas-answer-send-bye.xml', { hold: '200' });
    const hooks = stack.hook.callsTo('/call').length;
    const a = await call('1001', '1002', 'uac-call-refer-refused.xml', { hold: '700', referto: '1003' }).done;
    expect(a.code, describeSipp(a)).toBe(0);
    expect((await first.done).code).toBe(0);
    expect(stack.hook.callsTo('/call').slice(hooks).map((c) => c.body.refer)).toEqual([false]);
    const callId = stack.lastCallId();
    await stack.eventsUntil(callId, 'pause:complete');
    expect(stack.names(callId)).not.toContain('connect:refer');
  });
});

describe('reconnect', () => {
  it('after B hangs up, connect with reconnect:true rings 1003 and re-INVITEs the caller onto the new bridge', async () => {
    scripts([{ verb: 'connect', dest: client('1002') }, { verb: 'connect', dest: client('1003'), reconnect: true }]);
    const reinvite = outFile();
    const first = phone('1002', 'uas-answer-send-bye.xml', { hold: '400' });
    const second = phone('1003', 'uas-answer-wait-bye.xml');
    const a = await call('1001', '1002', 'uac-call-reinvited.xml', { hold: '400', out: reinvite }).done;
    expect(a.code, describeSipp(a)).toBe(0);
    for (const p of [first, second]) {
      const r = await p.done;
      expect(r.code, describeSipp(r)).toBe(0);
    }
    expect(lines(reinvite)).toEqual([expect.stringMatching(/^REINVITE \d+$/)]);
    const callId = stack.lastCallId();
    await stack.eventsUntil(callId, 'connect:answered');
    await new Promise((r) => setTimeout(r, 500));
    expect(stack.names(callId)).toEqual([
      'connect:start',
      'connect:trying',
      'connect:answered',
      'connect:hangup',
      'connect:complete',
      'connect:start',
      'connect:trying',
      'connect:answered',
      'connect:hangup',
      'connect:complete',
    ]);
    expect(stack.events(callId).filter((e) => e.event === 'connect:hangup').map((e) => e.endedby)).toEqual(['B', 'A']);
  });

  it('without reconnect a later connect is skipped (connect:skipped) and the caller is hung up', async () => {
    scripts([{ verb: 'connect', dest: client('1002') }, { verb: 'connect', dest: client('1003') }]);
    const first = phone('1002', 'uas-answer-send-bye.xml', { hold: '300' });
    const a = await call('1001', '1002', 'uac-call-wait-bye.xml').done;
    expect(a.code, describeSipp(a)).toBe(0);
    expect((await first.done).code).toBe(0);
    const callId = stack.lastCallId();
    await stack.eventsUntil(callId, 'connect:skipped');
    expect(stack.names(callId)).toEqual(['connect:start', 'connect:trying', 'connect:answered', 'connect:hangup', 'connect:complete', 'connect:skipped']);
  });
});
