// Two baresip phones over IPv6 loopback: the embedded sip-server takes SIP on [::1], the phones
// register and call there, and the media is anchored in an RTPEngine of this file's own whose
// only media interface is ::1 (the machine's shared one has IPv4 only). Audio asserted both ways.
// Ports 28760-28779, 28737-28738 and 28796-28799.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RtpEngineProcess, startRtpEngine } from '../../services/media-controller/test/support/rtpengine-process.js';
import { CallStack, DOMAIN, externalSipServer } from '../e2e/calls/support/call-stack.js';
import { BaresipPhone } from './support/baresip-phone.js';
import { expectHeard } from './support/heard.js';
import { measureTone } from './support/tone-analysis.js';

const SIP = 28760;
const NG = 28767;
const TONE = { '5001': 450, '5002': 1050 } as const;
/** The file needs the embedded sip-server on [::1]: with SIP_SERVER=external it is skipped. */
const EXTERNAL = externalSipServer() !== undefined;
let engine: RtpEngineProcess;
let stack: CallStack;
const phones: BaresipPhone[] = [];

beforeAll(async () => {
  if (EXTERNAL) return;
  engine = await startRtpEngine({ ngPort: NG, portMin: 28770, portMax: 28779, interfaces: ['::1'] });
  stack = await CallStack.start({
    ports: { sip: SIP, admin: 28761, ops: 28762 },
    sipAddress: '[::1]',
    codecs: () => ['PCMU'],
    env: { DIGEST_ALGORITHMS: 'MD5', RTPENGINE_PORT: String(NG) },
    ringback: false,
  });
}, 240_000);

afterEach(async () => {
  for (const p of phones.splice(0)) await p.remove();
});

afterAll(async () => {
  await stack?.stop();
  await engine?.stop();
}, 60_000);

async function phone(user: '5001' | '5002', transport: 'udp' | 'tcp'): Promise<BaresipPhone> {
  const p = await BaresipPhone.start({
    user,
    password: `pw${user}`,
    domain: DOMAIN,
    proxy: `sip:[::1]:${SIP};transport=${transport}`,
    listen: `[::1]:${user === '5001' ? 28796 : 28798}`,
    controlPort: user === '5001' ? 28737 : 28738,
    toneHz: TONE[user],
  });
  phones.push(p);
  return p;
}

describe('IPv6 loopback', () => {
  it.skipIf(EXTERNAL)('two baresip phones on [::1] hear each other through an RTPEngine on ::1', async () => {
    stack.hook.json('/call', [{ verb: 'connect', dest: { type: 'client', address: '5002' } }]);
    const [a, b] = [await phone('5001', 'udp'), await phone('5002', 'udp')];
    await a.dial(`sip:5002@${DOMAIN}`);
    await b.event('CALL_INCOMING');
    await b.accept();
    await a.event('CALL_ESTABLISHED');
    await new Promise((r) => setTimeout(r, 3000));
    await a.hangup();
    await b.event('CALL_CLOSED');
    await Promise.all([a.stop(), b.stop()]);
    expectHeard(
      { who: '5001 hears 5002 over IPv6', hz: TONE['5002'], measured: measureTone(a.recordingsSince(0)) },
      { who: '5002 hears 5001 over IPv6', hz: TONE['5001'], measured: measureTone(b.recordingsSince(0)) },
    );
    // The media went through the ::1 engine: both phones' SDPs named it.
    for (const p of [a, b]) expect(p.output, `${p.options.user} received its audio from the RTPEngine on ::1`).toMatch(/receiving from \[?::1\]?:287[67]\d/);
  }, 60_000);
});
