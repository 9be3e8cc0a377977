import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portBlock } from '../helpers/ports.js';
import { describeRun, runSipp, startSipp } from '../helpers/sipp.js';
import { type LooseSrf, connectApp, disconnectApp, until } from '../helpers/srf.js';
import { type TestServer, startTestServer } from '../helpers/test-server.js';

// A B2BUA between two SIPp agents via srf.createB2BUA: the caller's SDP reaches the callee
// unchanged (uas-answer.xml checks "s=dragon-offer") and the callee's answer comes back
// ("s=sipp-answer" checked by uac-b2bua.xml); the caller's BYE is propagated to the callee.
const ports = portBlock('b2bua');
let ts: TestServer;
let app: LooseSrf;
let calls = 0;
let ended = 0;
let bLegUri = '';

beforeAll(async () => {
  ts = await startTestServer(ports);
  app = await connectApp(ts.adminPort);
  app.invite(async (req: LooseSrf, res: LooseSrf) => {
    calls++;
    try {
      const { uas, uac } = await app.createB2BUA(req, res, bLegUri);
      uas.on('destroy', () => {
        ended++;
        uac.destroy();
      });
      uac.on('destroy', () => {
        ended++;
        uas.destroy();
      });
    } catch {
      // B leg failed: createB2BUA already answered A
    }
  });
});

afterAll(async () => {
  disconnectApp(app);
  await ts?.stop();
});

/** One call: SIPp `caller` → server → app → createB2BUA → SIPp `callee`; both must succeed and both legs end. */
async function bridgeCall(
  transport: 'u1' | 't1',
  o: { callee: string; calleePort: number; caller: string; callerPort: number; extra?: string[] },
): Promise<void> {
  bLegUri = `sip:callee@127.0.0.1:${o.calleePort}${transport === 't1' ? ';transport=tcp' : ''}`;
  const before = { calls, ended };
  const uas = startSipp({ scenario: o.callee, port: o.calleePort, mediaPort: ports.media(1), transport });
  try {
    await new Promise((r) => setTimeout(r, 300));
    const uac = await runSipp({
      scenario: o.caller,
      target: `127.0.0.1:${ts.sipPort}`,
      port: o.callerPort,
      mediaPort: ports.media(0),
      transport,
      ...(o.extra && { extra: o.extra }),
    });
    expect(uac.code, `caller: ${describeRun(uac)}`).toBe(0);
    const callee = await uas.done;
    expect(callee.code, `callee: ${describeRun(callee)}`).toBe(0);
    expect(calls).toBe(before.calls + 1);
    await until(() => ended === before.ended + 1, 5000, 'both legs torn down');
  } finally {
    uas.kill();
  }
}

describe.each(['u1', 't1'] as const)('B2BUA over %s', (transport) => {
  it('bridges SIPp UAC → app → SIPp UAS with SDP passed through both ways', async () => {
    await bridgeCall(transport, { callee: 'uas-answer.xml', calleePort: ports.sipp(1), caller: 'uac-b2bua.xml', callerPort: ports.sipp(0) });
  });
});

// RFC 3261 §20.10 allows a bare addr-spec Contact, but UAs and tools that take the URI between
// `<` and `>` build an in-dialog BYE with an empty Request-URI from it. drachtio-server writes
// every Contact in name-addr form; so must we. The callee hangs up with a BYE addressed to what
// it read between the brackets of the B leg's Contact; the caller, with a 700-character
// Call-ID, must get that BYE.
describe.each(['u1', 't1'] as const)('B2BUA over %s, callee hangs up', (transport) => {
  it('the B leg Contact is a name-addr the callee can send its BYE to', async () => {
    await bridgeCall(transport, {
      callee: 'uas-answer-then-bye-bracketed.xml',
      calleePort: ports.sipp(3),
      caller: 'uac-b2bua-expect-bye.xml',
      callerPort: ports.sipp(2),
      extra: ['-cid_str', `${'c'.repeat(700)}-%u-%p@%s`],
    });
  });
});
