import { EventEmitter } from 'node:events';
import type { Dialog, DialogRequestOptions } from '@dragonpbx/shared/srf';
import { describe, expect, it } from 'vitest';
import { transferHookBody } from '../src/engine/call-transfer.js';
import type { InviteInfo } from '../src/routing/invite-info.js';
import { ReferState, ReferSubscription, type TransferRequest, isReferRefusal, readRefer } from '../src/verbs/connect/refer.js';
import { silent } from './helpers/config.js';

/** A REFER's headers as drachtio-srf's `req.get` reads them (case-insensitive). */
const refer = (headers: Record<string, string>) => ({
  get: (name: string) => Object.entries(headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1],
});

describe('readRefer (RFC 3515 §2.4.1)', () => {
  it('reads the Refer-To user and the Referred-By user, in name-addr or addr-spec form', () => {
    expect(readRefer(refer({ 'Refer-To': '<sip:1003@pbx.test>', 'Referred-By': '"Bob" <sip:1002@pbx.test>;cid=x' }))).toEqual({ referTo: '1003', referredBy: '1002' });
    expect(readRefer(refer({ 'Refer-To': 'sips:%2B441234@pbx.test;user=phone' }))).toEqual({ referTo: '+441234' });
    expect(readRefer(refer({ r: '<sip:sales@10.0.0.1:5070;transport=tcp>' }))).toEqual({ referTo: 'sales' });
  });

  it.each([
    [{}, 400, 'REFER without Refer-To'],
    [{ 'Refer-To': '<sip:1@a>, <sip:2@b>' }, 400, 'several or unreadable Refer-To'],
    [{ 'Refer-To': 'sip:1@a, sip:2@b' }, 400, 'several or unreadable Refer-To'],
    [{ 'Refer-To': '<sip:1003@pbx.test' }, 400, 'several or unreadable Refer-To'],
    [{ 'Refer-To': '<tel:+441234>' }, 416, 'Refer-To is not a sip or sips URI'],
    [{ 'Refer-To': '<sip:pbx.test>' }, 400, 'Refer-To has no user part'],
    [{ 'Refer-To': '<sip:%22x%0a@pbx.test>' }, 400, 'Refer-To has no user part'],
    [{ 'Refer-To': '<sip:%E0%A4%A@pbx.test>' }, 400, 'Refer-To has no user part'],
    [{ 'Refer-To': '<sip:1003@pbx.test?Replaces=abc%40h%3Bto-tag%3D1>' }, 400, 'Replaces needs both to-tag and from-tag'],
  ])('refuses %j with %i', (headers, status, why) => {
    const r = readRefer(refer(headers as Record<string, string>));
    expect(isReferRefusal(r)).toBe(true);
    expect(r).toMatchObject({ status, why });
  });
});

/** A transferor's dialog that records the NOTIFYs sent on it. */
class FakeDialog extends EventEmitter {
  connected = true;
  readonly sent: DialogRequestOptions[] = [];
  failNext = false;
  request(opts: DialogRequestOptions): Promise<unknown> {
    this.sent.push(opts);
    if (this.failNext) {
      this.failNext = false;
      return Promise.reject(new Error('481'));
    }
    return Promise.resolve({ status: 200 });
  }
}

function subscription() {
  const dialog = new FakeDialog();
  const log: string[] = [];
  const sub = new ReferSubscription(
    {
      dialog: dialog as unknown as Dialog,
      hangup: async () => {
        log.push('hangup');
      },
      gone: () => log.push('gone'),
    },
    silent,
    'call-1',
  );
  return { dialog, log, sub };
}

describe('ReferSubscription (RFC 3515 §2.4.4, RFC 3420)', () => {
  it('NOTIFYs 100, each provisional once, then the final with Subscription-State terminated, then BYE to the transferor', async () => {
    const { dialog, log, sub } = subscription();
    sub.progress(100, 'Trying');
    sub.progress(180, 'Ringing');
    sub.progress(180, 'Ringing');
    sub.finish(200, 'OK');
    sub.finish(486, 'Busy Here');
    sub.progress(183, 'Session Progress');
    await sub.settled();
    expect(dialog.sent.map((r) => r.body)).toEqual(['SIP/2.0 100 Trying\r\n', 'SIP/2.0 180 Ringing\r\n', 'SIP/2.0 200 OK\r\n']);
    expect(dialog.sent.map((r) => r.headers?.['Subscription-State'])).toEqual(['active;expires=60', 'active;expires=60', 'terminated;reason=noresource']);
    for (const r of dialog.sent) expect(r).toMatchObject({ method: 'NOTIFY', headers: { Event: 'refer', 'Content-Type': 'message/sipfrag;version=2.0' } });
    expect(log).toEqual(['hangup']);
    expect(sub.state).toBe(ReferState.Terminated);
  });

  it('a failed NOTIFY is only logged: the next one still goes out', async () => {
    const { dialog, sub } = subscription();
    dialog.failNext = true;
    sub.progress(100, 'Trying');
    sub.finish(503, 'Service Unavailable');
    await sub.settled();
    expect(dialog.sent).toHaveLength(2);
  });

  it('after the transferor hangs up nothing more is sent and it gets no BYE', async () => {
    const { dialog, log, sub } = subscription();
    sub.progress(100, 'Trying');
    await sub.settled();
    dialog.connected = false;
    dialog.emit('destroy');
    sub.finish(200, 'OK');
    await sub.settled();
    expect(dialog.sent).toHaveLength(1);
    expect(log).toEqual(['gone']);
    expect(sub.state).toBe(ReferState.Gone);
  });

  it('answers a second REFER on the transferor leg 403', () => {
    const { dialog } = subscription();
    const res: unknown[] = [];
    dialog.emit('refer', {}, { send: (...args: unknown[]) => res.push(args) });
    expect(res).toEqual([[403, 'Forbidden', { headers: { 'X-Reason': 'call already transferred' } }]]);
  });
});

describe('transferHookBody (docs/contract.md §3.2, §5.2)', () => {
  const invite: InviteInfo = { domain: 'pbx.test', from: '1001', to: '1002', callId: 'orig', sourceIp: '10.0.0.1', sourcePort: 5060, headers: { 'x-a': '1' } };
  const t = (referredBy?: string) =>
    ({
      target: { referTo: '1003', ...(referredBy !== undefined && { referredBy }) },
      transferorUser: '1002',
      sourceAddress: '10.0.0.2',
      headers: { 'refer-to': '<sip:1003@pbx.test>' },
    }) as unknown as TransferRequest;

  it('refer:true, the original Call-ID, the Refer-To user as to, the Referred-By user as from, the REFER’s source and headers, count 0', () => {
    expect(transferHookBody(invite, t('boss'), 'client')).toEqual({
      domain: 'pbx.test',
      from: 'boss',
      to: '1003',
      callId: 'orig',
      sourceAddress: '10.0.0.2',
      headers: { 'refer-to': '<sip:1003@pbx.test>' },
      source: 'client',
      refer: true,
      count: 0,
    });
  });

  it('without Referred-By, from is the transferor’s number', () => {
    expect(transferHookBody(invite, t(), 'client').from).toBe('1002');
  });
});
