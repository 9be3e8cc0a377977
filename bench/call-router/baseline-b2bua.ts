/**
 * The call-router bench's reference point: the smallest drachtio-srf B2BUA
 * that does the same SIP and RTPEngine work for a `connect` to one SIP URI,
 * with no CallHook, no NATS, no Redis, no state machine and no events.
 *
 *   node [--expose-gc] --import tsx bench/call-router/baseline-b2bua.ts <adminPort> <secret> <dest uri> <rtpengine host:port>
 *
 * Per INVITE: RTPEngine `offer` of the caller's SDP (rtpengine-client, straight
 * to the engine) → INVITE to <dest uri> with that offer (From user = the
 * caller's, as the call-router sends it) → on 200 RTPEngine `answer` → 200 to
 * the caller; a BYE from either side → BYE to the other and RTPEngine `delete`.
 * The ng parameters are the ones the media-controller sends for a caller and
 * destination both limited to PCMU (the bench's trunk), so both paths ask
 * the engine for the same work.
 *
 * SIGUSR2 prints `gc done <heapUsed bytes>` after a full GC (with --expose-gc)
 * so the bench reads its live heap the same way as the call-router's.
 */
import { Srf, connectSrf, type Dialog } from '@dragonpbx/shared/srf';
import pino from 'pino';
import { Client } from 'rtpengine-client';

const [port = '9022', secret = 'cymru', dest = 'sip:uas@127.0.0.1:5080', engine = '127.0.0.1:22222'] = process.argv.slice(2);
const [ngHost = '127.0.0.1', ngPortText = '22222'] = engine.split(':');
const ngPort = Number(ngPortText);
const rtp = new Client({ timeout: 3000 });
const FLAGS = { flags: ['port latching', 'inject DTMF'], replace: ['origin', 'session-connection'] };

async function ng(command: 'offer' | 'answer' | 'delete', params: Record<string, unknown>): Promise<Record<string, unknown>> {
  const reply = (await rtp[command](ngPort, ngHost, params)) as Record<string, unknown>;
  if (reply.result !== 'ok') throw new Error(`rtpengine ${command}: ${String(reply.result)} ${String(reply['error-reason'] ?? '')}`);
  return reply;
}

let live = 0;
let failures = 0;
const srf = new Srf();
srf.invite(async (req, res) => {
  const callId = req.get('Call-ID') ?? '';
  const fromTag = req.getParsedHeader('From').params.tag ?? '';
  const release = () => ng('delete', { 'call-id': callId, 'delete-delay': 0 }).catch(() => undefined);
  let offered = false;
  try {
    const offer = await ng('offer', {
      'call-id': callId,
      'from-tag': fromTag,
      sdp: req.body,
      ...FLAGS,
      codec: { mask: ['PCMU'], transcode: ['PCMU', 'telephone-event'] },
    });
    offered = true;
    const b: Dialog = await srf.createUAC(dest, { localSdp: String(offer.sdp), callingNumber: req.callingNumber });
    const answer = await ng('answer', { 'call-id': callId, 'from-tag': fromTag, 'to-tag': b.sip.remoteTag, sdp: b.remote.sdp, ...FLAGS });
    const a: Dialog = await srf.createUAS(req, res, { localSdp: String(answer.sdp) });
    live++;
    let ended = false;
    const end = (other: Dialog) => () => {
      if (ended) return;
      ended = true;
      live--;
      other.destroy().catch(() => undefined);
      void release();
    };
    a.on('destroy', end(b));
    b.on('destroy', end(a));
  } catch (err) {
    // The first failures say why (engine out of ports, callee timeout, …); the bench counts the rest.
    if (failures++ < 5) process.stderr.write(`baseline: call failed: ${(err as Error).message}\n`);
    if (offered) void release();
    if (!res.finalResponseSent) res.send(500);
  }
});
const app = await connectSrf({ host: '127.0.0.1', port: Number(port), secret, srf }, pino({ level: 'warn' }));
process.stdout.write('baseline ready\n');

const gc = (globalThis as { gc?: () => void }).gc;
process.on('SIGUSR2', () => {
  gc?.();
  process.stdout.write(`gc done ${process.memoryUsage().heapUsed} live ${live}\n`);
});
process.on('SIGTERM', () => {
  app.disconnect();
  rtp.close();
  process.exit(0);
});
