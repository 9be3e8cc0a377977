// Attended transfer (RFC 3891 Replaces in a REFER's Refer-To, RFC 5589 §7) without a SIP server:
// reading Replaces, finding the dialog it names, and both halves of the hand-over with fake
// dialogs, a fake media client and a fake joiner standing in for the other call.
import { EventEmitter } from 'node:events';
import { PbxError } from '@dragonpbx/shared/contracts';
import type { Dialog, DialogRequestOptions } from '@dragonpbx/shared/srf';
import { describe, expect, it } from 'vitest';
import { type CallJoiner, type ReplaceRequest, replaceBridgeSide, runAttendedTransfer, sendrecv } from '../src/engine/attended-transfer.js';
import type { BridgeSide } from '../src/verbs/connect/in-dialog-relay.js';
import { isReferRefusal, ReferSubscription, readRefer, type TransferRequest } from '../src/verbs/connect/refer.js';
import { namesDialog, readReplaces } from '../src/verbs/connect/replaces.js';
import { silent } from './helpers/config.js';

describe('readReplaces (RFC 3891 §6.1)', () => {
  it('reads Call-ID and both tags from the URI headers, percent-decoded, in any order, early-only ignored', () => {
    expect(readReplaces('?Replaces=abc%40host%3Bto-tag%3D7553452%3Bfrom-tag%3D31431')).toEqual({ callId: 'abc@host', toTag: '7553452', fromTag: '31431' });
    expect(readReplaces(';transport=udp?X-Foo=1&replaces=k1-2%3B%20from-tag%3Da.b%3Bearly-only%3Bto-tag%3DZ')).toEqual({ callId: 'k1-2', toTag: 'Z', fromTag: 'a.b' });
  });

  it('is undefined without Replaces', () => {
    expect(readReplaces('')).toBeUndefined();
    expect(readReplaces(';transport=tcp')).toBeUndefined();
    expect(readReplaces('?X-Replaces=a')).toBeUndefined();
  });

  it.each([
    ['?Replaces=abc%3Bto-tag%3D1', 'Replaces needs both to-tag and from-tag'],
    ['?Replaces=abc%3Bfrom-tag%3D1', 'Replaces needs both to-tag and from-tag'],
    ['?Replaces=%3Bto-tag%3D1%3Bfrom-tag%3D2', 'Replaces has no readable Call-ID'],
    ['?Replaces=a%20b%3Bto-tag%3D1%3Bfrom-tag%3D2', 'Replaces has no readable Call-ID'],
    [`?Replaces=${'x'.repeat(257)}%3Bto-tag%3D1%3Bfrom-tag%3D2`, 'Replaces has no readable Call-ID'],
    ['?Replaces=abc%3Bto-tag%3D%3Bfrom-tag%3D2', 'Replaces has an unreadable to-tag'],
    ['?Replaces=abc%3Bto-tag%3D1%3Bfrom-tag%3D%22x%22', 'Replaces has an unreadable from-tag'],
    ['?Replaces=abc%E0%A4%A', 'Replaces is not percent-encoded properly'],
    ['?Replaces=a%3Bto-tag%3D1%3Bfrom-tag%3D2&Replaces=b%3Bto-tag%3D1%3Bfrom-tag%3D2', 'several Replaces in Refer-To'],
  ])('refuses %s', (rest, why) => {
    expect(readReplaces(rest)).toBe(why);
  });

  it('readRefer carries it (no 501 any more) and refuses an unreadable one with 400', () => {
    const get = (refTo: string) => ({ get: (n: string) => (n.toLowerCase() === 'refer-to' ? refTo : undefined) });
    expect(readRefer(get('<sip:1003@pbx.test?Replaces=c2%40h%3Bto-tag%3Dt%3Bfrom-tag%3Df>'))).toEqual({
      referTo: '1003',
      replaces: { callId: 'c2@h', toTag: 't', fromTag: 'f' },
    });
    const bad = readRefer(get('<sip:1003@pbx.test?Replaces=c2%40h>'));
    expect(isReferRefusal(bad) && bad).toMatchObject({ status: 400, code: 'PBX_ERR_REFER_INVALID', why: 'Replaces needs both to-tag and from-tag' });
  });
});

describe('namesDialog', () => {
  const d = { callId: 'c2@h', localTag: 'pbx', remoteTag: 'phone' };
  it('matches the Call-ID and the two tags, whichever side each was written from', () => {
    expect(namesDialog({ callId: 'c2@h', toTag: 'pbx', fromTag: 'phone' }, d)).toBe(true);
    expect(namesDialog({ callId: 'c2@h', toTag: 'phone', fromTag: 'pbx' }, d)).toBe(true);
  });
  it('refuses another Call-ID, one tag wrong, or the same tag twice', () => {
    expect(namesDialog({ callId: 'c3@h', toTag: 'pbx', fromTag: 'phone' }, d)).toBe(false);
    expect(namesDialog({ callId: 'c2@h', toTag: 'pbx', fromTag: 'other' }, d)).toBe(false);
    expect(namesDialog({ callId: 'c2@h', toTag: 'pbx', fromTag: 'pbx' }, d)).toBe(false);
  });
});

it('sendrecv turns every direction attribute into sendrecv and leaves the rest', () => {
  expect(sendrecv('v=0\r\nm=audio 4000 RTP/AVP 0\r\na=recvonly\r\na=rtpmap:0 PCMU/8000\r\nm=video 0 RTP/AVP 96\r\na=inactive\r\n')).toBe(
    'v=0\r\nm=audio 4000 RTP/AVP 0\r\na=sendrecv\r\na=rtpmap:0 PCMU/8000\r\nm=video 0 RTP/AVP 96\r\na=sendrecv\r\n',
  );
});

/** A dialog that records what is sent on it. */
class FakeDialog extends EventEmitter {
  connected = true;
  readonly log: string[] = [];
  readonly local = { sdp: 'v=0 local', contact: '<sip:pbx@127.0.0.1>' };
  readonly remote: { sdp: string };
  refuse = false;
  constructor(
    readonly name: string,
    readonly sip: { callId: string; localTag: string; remoteTag: string },
    sdp: string,
  ) {
    super();
    this.remote = { sdp };
  }
  async modify(sdp: string): Promise<string> {
    this.log.push(`modify ${sdp}`);
    if (this.refuse) throw Object.assign(new Error('488'), { status: 488 });
    return `answer of ${this.name}`;
  }
  async destroy(): Promise<void> {
    this.log.push('BYE');
    this.connected = false;
    this.emit('destroy');
  }
  async request(opts: DialogRequestOptions): Promise<unknown> {
    this.log.push(`${opts.method} ${String(opts.body).trim()}`);
    return { status: 200 };
  }
}

const side = (name: 'A' | 'B', dialog: FakeDialog, tag: string): BridgeSide => ({ name, dialog: dialog as unknown as Dialog, tag, codecs: ['PCMU'] });

/** A media client that records requests and answers each with a recognisable SDP. */
function fakeMedia() {
  const calls: { op: string; req: Record<string, unknown> }[] = [];
  return {
    calls,
    offer: async (req: Record<string, unknown>) => {
      calls.push({ op: 'offer', req });
      return { sdp: `offer(${String(req.sdp)})`, direct: false };
    },
    answer: async (req: Record<string, unknown>) => {
      calls.push({ op: 'answer', req });
      return { sdp: `answer(${String(req.sdp)})`, direct: false };
    },
    delete: async (req: Record<string, unknown>) => {
      calls.push({ op: 'delete', req });
      return { deleted: true };
    },
  };
}

describe("replaceBridgeSide (the replaced call's owner)", () => {
  const request: ReplaceRequest = {
    replaces: { callId: 'call2', toTag: 'pbx2', fromTag: 'a2' },
    peer: { callId: 'call1', domain: 'pbx.test' },
    offer: 'OFFER',
    media: { callId: 'call1', tag: 'btag' },
  };

  it('re-INVITEs the side that stays with the offer, answers through RTPEngine under the shared call, then hands over the transferor side', async () => {
    const a2 = new FakeDialog('a2', { callId: 'call2', localTag: 'pbx2', remoteTag: 'a2' }, 'v=0 a2');
    const c = new FakeDialog('c', { callId: 'leg-c', localTag: 'pbxc', remoteTag: 'ctag' }, 'v=0 c');
    const handed: string[] = [];
    const media = fakeMedia();
    const out = await replaceBridgeSide({ a: side('A', a2, 'a2'), b: side('B', c, 'ctag'), handOver: (s) => handed.push(s) }, request, {
      callId: 'call2',
      media: media as never,
      logger: silent,
    });
    expect(c.log).toEqual(['modify OFFER']);
    expect(media.calls).toEqual([{ op: 'answer', req: { callId: 'call1', fromTag: 'btag', toTag: 'ctag', sdp: 'answer of c' } }]);
    expect(handed).toEqual(['A']);
    expect(out.result).toEqual({ sdp: 'answer(answer of c)', tag: 'ctag' });
    expect(out.stays.dialog).toBe(c);
  });

  it('the transferor may be the B side (it was called on the replaced call)', async () => {
    const c = new FakeDialog('c', { callId: 'call2', localTag: 'pbx2', remoteTag: 'ctag' }, 'v=0 c');
    const a2 = new FakeDialog('a2', { callId: 'leg-a2', localTag: 'pbxa', remoteTag: 'a2tag' }, 'v=0 a2');
    const handed: string[] = [];
    const r = { ...request, replaces: { callId: 'leg-a2', toTag: 'a2tag', fromTag: 'pbxa' } };
    await replaceBridgeSide({ a: side('A', c, 'ctag'), b: side('B', a2, 'a2tag'), handOver: (s) => handed.push(s) }, r, { callId: 'call2', media: fakeMedia() as never, logger: silent });
    expect(handed).toEqual(['B']);
    expect(c.log).toEqual(['modify OFFER']);
  });

  it('no side with those tags → 481, nothing sent; a refused re-INVITE → 480 and the bridge is left alone', async () => {
    const a2 = new FakeDialog('a2', { callId: 'call2', localTag: 'pbx2', remoteTag: 'a2' }, '');
    const c = new FakeDialog('c', { callId: 'leg-c', localTag: 'pbxc', remoteTag: 'ctag' }, '');
    const handed: string[] = [];
    const bridge = { a: side('A', a2, 'a2'), b: side('B', c, 'ctag'), handOver: (s: 'A' | 'B') => handed.push(s) };
    const wrong = { ...request, replaces: { callId: 'call2', toTag: 'pbx2', fromTag: 'nope' } };
    await expect(replaceBridgeSide(bridge, wrong, { callId: 'call2', media: fakeMedia() as never, logger: silent })).rejects.toMatchObject({
      code: 'PBX_ERR_REPLACES_NO_DIALOG',
      statusCode: 481,
    });
    expect(c.log).toEqual([]);
    c.refuse = true;
    await expect(replaceBridgeSide(bridge, request, { callId: 'call2', media: fakeMedia() as never, logger: silent })).rejects.toMatchObject({
      code: 'PBX_ERR_REPLACES_REINVITE',
      statusCode: 480,
    });
    expect(handed).toEqual([]);
  });
});

describe("runAttendedTransfer (the transferor's call)", () => {
  function setup(joiner: Partial<CallJoiner>, callId = 'call1') {
    const transferor = new FakeDialog('a1', { callId: 'call1', localTag: 'pbx1', remoteTag: 'a1' }, '');
    const b = new FakeDialog('b', { callId: 'leg-b', localTag: 'pbxb', remoteTag: 'btag' }, 'v=0\r\na=recvonly\r\n');
    const sub = new ReferSubscription({ dialog: transferor as unknown as Dialog, hangup: () => transferor.destroy(), gone: () => undefined }, silent, callId);
    sub.progress(100, 'Trying');
    const t = {
      target: { referTo: '1003', replaces: { callId: 'call2', toTag: 'pbx2', fromTag: 'a2' } },
      transferorUser: '1001',
      transferor: { kind: 'party' },
      remaining: { dialog: b as unknown as Dialog, tag: 'btag', codecs: ['PCMU'], from: '1002', identity: { kind: 'party' } },
      sourceAddress: '127.0.0.1',
      sourcePort: 5060,
      headers: {},
      subscription: sub,
    } as TransferRequest;
    const abort = new AbortController();
    const hangups: string[] = [];
    const replaced: ReplaceRequest[] = [];
    const media = fakeMedia();
    const full: CallJoiner = {
      replace: async (_d, _c, r) => {
        replaced.push(r);
        // The owner names its call: the Replaces named another of its dialogs.
        return { sdp: 'JOINED', tag: 'ctag', callId: 'call2-main' };
      },
      hangup: async (domain, id, leg) => {
        hangups.push(`${domain} ${id} ${leg}`);
      },
      ...joiner,
    };
    const cleanups: (() => Promise<unknown>)[] = [];
    const run = runAttendedTransfer(t, { callId, domain: 'pbx.test', signal: abort.signal, media: media as never, joiner: full, logger: silent, defer: (c) => cleanups.push(c) });
    return { transferor, b, sub, abort, hangups, replaced, media, run, cleanups };
  }

  it('offers B sendrecv in a new media session, asks the replaced call, re-INVITEs B, NOTIFY 200 + BYE to the transferor; hangs the other call (as its owner named it) up when it ends', async () => {
    const s = setup({});
    await until(() => s.transferor.log.includes('BYE'));
    const mediaId = String(s.media.calls[0]!.req.callId);
    expect(mediaId).toMatch(/^joined-[0-9a-f-]{36}$/);
    expect(s.media.calls[0]).toEqual({ op: 'offer', req: { callId: mediaId, fromTag: 'btag', sdp: 'v=0\r\na=sendrecv\r\n', callerCodecs: ['PCMU'], destCodecs: ['PCMU'] } });
    expect(s.replaced).toEqual([
      { replaces: { callId: 'call2', toTag: 'pbx2', fromTag: 'a2' }, peer: { callId: 'call1', domain: 'pbx.test' }, offer: 'offer(v=0\r\na=sendrecv\r\n)', media: { callId: mediaId, tag: 'btag' } },
    ]);
    // The new session goes with the call.
    expect(s.cleanups).toHaveLength(1);
    await s.cleanups[0]!();
    expect(s.media.calls.at(-1)).toEqual({ op: 'delete', req: { callId: mediaId } });
    expect(s.b.log).toEqual(['modify JOINED']);
    expect(s.transferor.log).toEqual(['NOTIFY SIP/2.0 100 Trying', 'NOTIFY SIP/2.0 200 OK', 'BYE']);
    expect(s.hangups).toEqual([]);
    s.abort.abort();
    await s.run;
    expect(s.hangups).toEqual(['pbx.test call2-main A']);
  });

  it('an unknown call (404 from the lookup) ends the subscription with 481; B is not touched', async () => {
    const s = setup({
      replace: async () => {
        throw new PbxError('PBX_ERR_API_CALL_UNKNOWN', 'no such call', 404);
      },
    });
    await s.run;
    await s.sub.settled();
    expect(s.transferor.log).toEqual(['NOTIFY SIP/2.0 100 Trying', 'NOTIFY SIP/2.0 481 Call/Transaction Does Not Exist', 'BYE']);
    expect(s.b.log).toEqual([]);
  });

  it('the owner refuses (480 re-INVITE failed) → NOTIFY 480; a Replaces naming its own call → 403 without asking anyone', async () => {
    const s = setup({
      replace: async () => {
        throw new PbxError('PBX_ERR_REPLACES_REINVITE', 'refused', 480);
      },
    });
    await s.run;
    await s.sub.settled();
    expect(s.transferor.log[1]).toBe('NOTIFY SIP/2.0 480 Temporarily Unavailable');
    const own = setup({}, 'call2');
    await own.run;
    await own.sub.settled();
    expect(own.transferor.log[1]).toBe('NOTIFY SIP/2.0 403 Forbidden');
    expect(own.replaced).toEqual([]);
  });

  it('B refuses its re-INVITE → NOTIFY 480 and the other call is hung up', async () => {
    const s = setup({});
    s.b.refuse = true;
    await s.run;
    await s.sub.settled();
    expect(s.transferor.log[1]).toBe('NOTIFY SIP/2.0 480 Temporarily Unavailable');
    expect(s.hangups).toEqual(['pbx.test call2-main A']);
  });
});

async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}
