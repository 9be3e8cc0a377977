// A second, independent user agent: linphonec (Debian's linphone-cli) registers with the PBX and
// calls a baresip phone, and the other way round, with the audio asserted both ways. Each phone's
// microphone is a tone of its own; a working call means each side's recording holds the other's.
// Ports 28700-28749.
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { CallStack, DOMAIN, sipPort } from '../e2e/calls/support/call-stack.js';
import { BaresipPhone } from './support/baresip-phone.js';
import { expectHeard } from './support/heard.js';
import { LinphonePhone } from './support/linphone-phone.js';
import { measureTone } from './support/tone-analysis.js';

const SIP = sipPort(28700);
const TONE = { linphone: 500, baresip: 1100 } as const;
/** The announcement's tone, Hz (neither phone's). */
const ANNOUNCE_HZ = 1400;
let stack: CallStack;
const cleanup: (() => Promise<void>)[] = [];

beforeAll(async () => {
  stack = await CallStack.start({
    ports: { sip: SIP, admin: 28701, ops: 28702 },
    codecs: () => ['PCMU'],
    // baresip 1.0 needs MD5 alone (docs/softphones.md); linphone takes either.
    env: { DIGEST_ALGORITHMS: 'MD5' },
    ringback: false,
  });
  stack.writeTone('announce.wav', ANNOUNCE_HZ, 2);
}, 240_000);

afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

afterAll(async () => {
  await stack?.stop();
}, 60_000);

async function linphone(user: string, transport: 'udp' | 'tcp' = 'udp'): Promise<LinphonePhone> {
  const p = await LinphonePhone.start({
    user,
    password: `pw${user}`,
    domain: DOMAIN,
    proxy: `sip:127.0.0.1:${SIP};transport=${transport}`,
    sipPort: 28730,
    rtpPort: 28732,
    toneHz: TONE.linphone,
  });
  cleanup.push(() => p.remove());
  return p;
}

async function baresip(user: string, transport: 'udp' | 'tcp' = 'udp'): Promise<BaresipPhone> {
  const p = await BaresipPhone.start({
    user,
    password: `pw${user}`,
    domain: DOMAIN,
    proxy: `sip:127.0.0.1:${SIP};transport=${transport}`,
    listen: '127.0.0.1:28720',
    controlPort: 28722,
    toneHz: TONE.baresip,
  });
  cleanup.push(() => p.remove());
  return p;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('linphonec and baresip hear each other', () => {
  it('linphonec calls baresip (PCMU, UDP)', async () => {
    stack.hook.json('/call', [{ verb: 'connect', dest: { type: 'client', address: '3002' } }]);
    const [l, b] = [await linphone('3001'), await baresip('3002')];
    const mark = l.mark();
    l.dial(`sip:3002@${DOMAIN}`);
    await b.event('CALL_INCOMING');
    await b.accept();
    await l.waitFor(/Call \d+ with .* connected/, 10_000, 'the connected call', mark);
    await sleep(3000);
    l.hangup();
    await b.event('CALL_CLOSED');
    await l.waitFor(/Call \d+ .*ended/, 10_000, 'the end of the call', mark);
    await Promise.all([l.stop(), b.stop()]);
    expectHeard(
      { who: 'linphonec 3001 hears baresip 3002', hz: TONE.baresip, measured: measureTone(l.received()) },
      { who: 'baresip 3002 hears linphonec 3001', hz: TONE.linphone, measured: measureTone(b.recordingsSince(0)) },
    );
  }, 60_000);

  it('baresip calls linphonec, which answers and hangs up', async () => {
    stack.hook.json('/call', [{ verb: 'connect', dest: { type: 'client', address: '3001' } }]);
    const [l, b] = [await linphone('3001'), await baresip('3002')];
    const mark = l.mark();
    await b.dial(`sip:3001@${DOMAIN}`);
    await l.waitFor(/Receiving new incoming call/, 10_000, 'the incoming call', mark);
    l.answer();
    await b.event('CALL_ESTABLISHED');
    await sleep(3000);
    l.hangup();
    await b.event('CALL_CLOSED');
    await Promise.all([l.stop(), b.stop()]);
    expectHeard(
      { who: 'linphonec 3001 hears baresip 3002', hz: TONE.baresip, measured: measureTone(l.received()) },
      { who: 'baresip 3002 hears linphonec 3001', hz: TONE.linphone, measured: measureTone(b.recordingsSince(0)) },
    );
  }, 60_000);

  // baresip 1.0 plays early media but records a call's audio only from its answer (sndfile), so
  // the caller that must hear the announcement is linphonec, whose recording starts with the
  // early media.
  it('an announce before the connect: linphonec hears the WAV (early media), then baresip', async () => {
    stack.hook.json('/call', [{ verb: 'announce', url: 'file:/announce.wav' }, { verb: 'connect', dest: { type: 'client', address: '3002' } }]);
    const [l, b] = [await linphone('3001'), await baresip('3002')];
    const mark = l.mark();
    l.dial(`sip:3002@${DOMAIN}`);
    // The announce (2 s) plays before the PBX rings 3002.
    await b.event('CALL_INCOMING');
    await b.accept();
    await l.waitFor(/Call \d+ with .* connected/, 10_000, 'the connected call', mark);
    await sleep(3000);
    l.hangup();
    await b.event('CALL_CLOSED');
    await l.waitFor(/Call \d+ .*ended/, 10_000, 'the end of the call', mark);
    await Promise.all([l.stop(), b.stop()]);
    const rec = l.received();
    expectHeard(
      { who: 'linphonec 3001 hears the announce before the connect', hz: ANNOUNCE_HZ, measured: measureTone(rec, { toS: 2 }) },
      { who: 'linphonec 3001 hears baresip 3002 once connected', hz: TONE.baresip, measured: measureTone(rec, { fromS: 2.5 }) },
      { who: 'baresip 3002 hears linphonec 3001', hz: TONE.linphone, measured: measureTone(b.recordingsSince(0)) },
    );
  }, 60_000);
});
