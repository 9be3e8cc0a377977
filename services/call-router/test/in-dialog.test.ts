import { type Socket, createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MediaClient } from '@dragonpbx/shared/messaging';
import type { HookServer } from '@dragonpbx/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAIN, type Harness, startHarness, until } from './helpers/harness.js';
import { describeSipp, runSipp, startSipp } from './helpers/sipp.js';

// In-dialog requests on a bridged connect (docs/contract.md §4.2 "While connected:
// DTMF and re-INVITEs are relayed"): SIPp caller and callee, media anchored in
// the shared RTPEngine; each side's media port is a UDP socket of this test, so
// the RFC 4733 events RTPEngine injects for a SIP INFO are seen on the wire.
const SIP = 29821;
const PHONE = 29822;
const BOB = 29823;
const DIRECT_PHONE = 29824;
const A_MEDIA = 29830;
const B_MEDIA = 29832;
let h: Harness;
let media: MediaClient;
const work = mkdtempSync(join(tmpdir(), 'call-router-dialog-'));

const config = (hook: HookServer) => ({
  domains: {
    [DOMAIN]: {
      domain_id: 1,
      clients: [
        { id: 1, username: '1000', password: 'pw1000', codecs: ['PCMU'], dialplan: { '5*': { callHook: hook.url('/call'), statusHook: hook.url('/status') } } },
        { id: 2, username: '1002', password: 'pw1002', codecs: ['DIRECT', 'PCMU'], dialplan: { '5*': { callHook: hook.url('/call'), statusHook: hook.url('/status') } } },
      ],
      trunks: [],
    },
  },
});

/** RFC 4733 events received on a media socket: the event code of each telephone-event packet. */
interface MediaTap {
  readonly socket: Socket;
  readonly events: number[];
  packets: number;
}

function tap(port: number, eventPt: number): Promise<MediaTap> {
  const socket = createSocket('udp4');
  const t: MediaTap = { socket, events: [], packets: 0 };
  socket.on('message', (buf) => {
    if (buf.length < 12 || buf[0]! >> 6 !== 2) return;
    t.packets++;
    const pt = buf[1]! & 0x7f;
    const header = 12 + 4 * (buf[0]! & 0x0f);
    if (pt === eventPt && buf.length >= header + 4) t.events.push(buf[header]!);
  });
  return new Promise((resolve) => socket.bind(port, '127.0.0.1', () => resolve(t)));
}

/** Sends PCMU silence every 20 ms from `t`'s socket to an RTPEngine port (RFC 3550 §5.1 header). */
function stream(t: MediaTap, port: number): NodeJS.Timeout {
  const ssrc = Math.floor(Math.random() * 0xffffffff);
  let seq = 0;
  return setInterval(() => {
    const pkt = Buffer.alloc(12 + 160, 0xff);
    pkt[0] = 0x80;
    pkt[1] = 0;
    pkt.writeUInt16BE(seq & 0xffff, 2);
    pkt.writeUInt32BE((seq * 160) >>> 0, 4);
    pkt.writeUInt32BE(ssrc >>> 0, 8);
    seq++;
    t.socket.send(pkt, port, '127.0.0.1');
  }, 20);
}

let aTap: MediaTap;
let bTap: MediaTap;

beforeAll(async () => {
  h = await startHarness(SIP, config, {}, { media: true });
  media = new MediaClient({ subjects: h.subjects, timeoutMs: 3000 }, { nc: h.nc });
  aTap = await tap(A_MEDIA, 101);
  bTap = await tap(B_MEDIA, 101);
  for (const [user, port] of [['1000', PHONE], ['1002', DIRECT_PHONE]] as const) {
    const reg = await runSipp({ scenario: 'uac-register.xml', target: `127.0.0.1:${SIP}`, port, keys: { domain: DOMAIN, user }, vars: { user, password: `pw${user}` } });
    expect(reg.code, describeSipp(reg)).toBe(0);
  }
});

afterAll(async () => {
  aTap?.socket.close();
  bTap?.socket.close();
  await h?.stop();
  rmSync(work, { recursive: true, force: true });
});

const lastCallId = () => String(h.hook.callsTo('/call').at(-1)?.body.callId);
const names = (callId: string) => h.eventsOf(callId).map((e) => e.event);

function portsIn(file: string): Record<string, number> {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^([AB]\d) (\d+)$/gm)) out[m[1]!] = Number(m[2]);
  return out;
}

describe('a bridged call', () => {
  it('relays re-INVITEs both ways through RTPEngine, answers a refresh locally, injects INFO DTMF as RFC 4733, answers OPTIONS 200 and an unknown method 501, refuses a REFER without Refer-To (400), to a tel: URI (416) or with an unreadable Replaces (400)', async () => {
    h.hook.json('/call', [{ verb: 'connect', dest: { type: 'sip', address: `sip:callee@127.0.0.1:${BOB}` }, statusLabel: 'dialog' }]);
    const out = join(work, 'ports.txt');
    const bob = startSipp({ scenario: 'uas-in-dialog.xml', port: BOB, vars: { bmedia: String(B_MEDIA), out }, timeoutS: 20 });
    const before = h.hook.callsTo('/call').length;
    const run = startSipp({
      scenario: 'uac-call-in-dialog.xml',
      target: `127.0.0.1:${SIP}`,
      port: PHONE,
      keys: { domain: DOMAIN, from: '1000', to: '5001' },
      vars: { from: '1000', password: 'pw1000', amedia: String(A_MEDIA), dtmfwait: '1200', out },
      timeoutS: 20,
    });
    await until(() => h.hook.callsTo('/call').length > before, 3000, 'CallHook');
    await until(() => portsIn(out).A0 !== undefined && portsIn(out).B0 !== undefined, 10_000, 'call answered');
    const callId = lastCallId();
    const { parties } = await media.query({ callId });
    expect(parties).toHaveLength(2);
    // Both phones talk (RTPEngine injects DTMF only into a stream it has seen, its SSRC context).
    const talking = [stream(aTap, portsIn(out).A0!), stream(bTap, portsIn(out).B0!)];

    const a = await run.done;
    const b = await bob.done;
    for (const t of talking) clearInterval(t);
    expect(a.code, describeSipp(a)).toBe(0);
    expect(b.code, describeSipp(b)).toBe(0);

    // Every SDP either side saw is RTPEngine's: A's ports are one party's, B's the other's.
    const ports = portsIn(out);
    expect(Object.keys(ports).sort()).toEqual(['A0', 'A1', 'A2', 'A3', 'B0', 'B1', 'B2']);
    const partyOf = (port: number) => parties.findIndex((p) => p.localPorts.includes(port));
    const aParty = partyOf(ports.A0!);
    const bParty = partyOf(ports.B0!);
    expect(aParty).toBeGreaterThanOrEqual(0);
    expect(bParty).toBeGreaterThanOrEqual(0);
    expect(aParty).not.toBe(bParty);
    for (const k of ['A1', 'A2', 'A3']) expect(partyOf(ports[k]!), k).toBe(aParty);
    for (const k of ['B1', 'B2']) expect(partyOf(ports[k]!), k).toBe(bParty);

    // INFO Signal=5 from A reached B as RFC 4733 event 5; INFO "7" from B reached A as event 7.
    expect(bTap.events).toContain(5);
    expect(aTap.events).toContain(7);
    expect(bTap.events).not.toContain(7);
    expect(aTap.events).not.toContain(5);

    await until(() => names(callId).includes('connect:complete'), 5000, 'connect:complete');
    const events = h.eventsOf(callId);
    expect(events.map((e) => e.event)).toEqual([
      'connect:start',
      'connect:trying',
      'connect:answered',
      'connect:reinvite',
      'connect:reinvite',
      'connect:hangup',
      'connect:complete',
    ]);
    // The refresh (same SDP version) was not relayed: two relayed re-INVITEs, B's then A's hold.
    expect(String(events[3]!.req)).toMatch(/^INVITE sip:[\s\S]*o=- 5 6 /);
    expect(String(events[4]!.req)).toMatch(/^INVITE sip:[\s\S]*a=sendonly/);
    expect(String(events[4]!.req)).not.toMatch(/authorization|00112233445566778899aabbccddeeff/i);
    expect(events[5]).toMatchObject({ endedby: 'A', label: 'dialog' });
  });
  it('relays an UPDATE with SDP, answers a re-INVITE without SDP with its current SDP as the offer, and passes the far end’s refusal of a relayed re-INVITE back', async () => {
    h.hook.json('/call', [{ verb: 'connect', dest: { type: 'sip', address: `sip:callee@127.0.0.1:${BOB}` } }]);
    const out = join(work, 'reoffer-ports.txt');
    const bob = startSipp({ scenario: 'uas-answer-refuse-reinvite.xml', port: BOB, vars: { bmedia: String(B_MEDIA), out }, timeoutS: 15 });
    const a = await runSipp({
      scenario: 'uac-call-reoffer.xml',
      target: `127.0.0.1:${SIP}`,
      port: PHONE,
      keys: { domain: DOMAIN, from: '1000', to: '5002' },
      vars: { from: '1000', password: 'pw1000', amedia: String(A_MEDIA), out },
      timeoutS: 15,
    });
    expect(a.code, describeSipp(a)).toBe(0);
    const b = await bob.done;
    expect(b.code, describeSipp(b)).toBe(0);
    // A's UPDATE reached B as a re-INVITE with RTPEngine's offer, and A got RTPEngine's answer;
    // the offer-less re-INVITE got the SDP A already had: RTPEngine's port for A.
    const ports = portsIn(out);
    expect(Object.keys(ports).sort()).toEqual(['A0', 'A1', 'A2', 'B1']);
    expect(ports.A2).toBe(ports.A0);
    expect(ports.A1).toBe(ports.A0);
    expect([A_MEDIA, B_MEDIA, ports.A0]).not.toContain(ports.B1);
    const callId = lastCallId();
    await until(() => names(callId).includes('connect:complete'), 5000, 'connect:complete');
    // Only the re-INVITE with SDP is reported (not the UPDATE); the refusal left the call up until A's BYE.
    expect(names(callId)).toEqual(['connect:start', 'connect:trying', 'connect:answered', 'connect:reinvite', 'connect:hangup', 'connect:complete']);
    expect(h.eventsOf(callId)[4]).toMatchObject({ endedby: 'A' });
  });
  it('with direct media (DIRECT on both sides) the SDPs pass end to end and a DTMF INFO is forwarded as INFO', async () => {
    h.hook.json('/call', [{ verb: 'connect', dest: { type: 'sip', address: `sip:callee@127.0.0.1:${BOB}`, codecs: ['DIRECT', 'PCMU'] } }]);
    const out = join(work, 'direct-ports.txt');
    const bob = startSipp({ scenario: 'uas-answer-info.xml', port: BOB, vars: { bmedia: String(B_MEDIA), out }, timeoutS: 15 });
    const a = await runSipp({
      scenario: 'uac-call-info.xml',
      target: `127.0.0.1:${SIP}`,
      port: DIRECT_PHONE,
      keys: { domain: DOMAIN, from: '1002', to: '5003' },
      vars: { from: '1002', password: 'pw1002', amedia: String(A_MEDIA), hold: '300', out },
      timeoutS: 15,
    });
    expect(a.code, describeSipp(a)).toBe(0);
    const b = await bob.done;
    expect(b.code, describeSipp(b)).toBe(0);
    expect(portsIn(out)).toEqual({ A0: B_MEDIA, B0: A_MEDIA });
    const callId = lastCallId();
    await until(() => names(callId).includes('connect:complete'), 5000, 'connect:complete');
    expect(names(callId)).toEqual(['connect:start', 'connect:trying', 'connect:answered', 'connect:hangup', 'connect:complete']);
  });
});
