/**
 * The minimal drachtio-srf application of the benchmark: answers every INVITE
 * 200 with SDP; drachtio-srf answers the caller's BYE 200 by itself.
 * Usage: node --import tsx bench/sip-server/bench-app.ts <adminPort> [secret]
 */
import Srf from 'drachtio-srf';

const port = Number(process.argv[2] ?? 25000);
const secret = process.argv[3] ?? 'cymru';
const sdp = 'v=0\r\no=bench 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';

// biome-ignore lint/suspicious/noExplicitAny: drachtio-srf ships partial typings
const srf: any = new Srf();
srf.on('connect', (err: Error | null) => {
  if (err) {
    process.stderr.write(`bench-app: ${err.message}\n`);
    process.exit(1);
  }
  process.stdout.write('bench-app connected\n');
});
srf.on('error', () => {});
// biome-ignore lint/suspicious/noExplicitAny: see above
srf.invite((req: any, res: any) => {
  srf.createUAS(req, res, { localSdp: sdp }).catch(() => {});
});
srf.connect({ host: '127.0.0.1', port, secret });
process.on('SIGTERM', () => {
  try {
    srf.disconnect();
  } catch {
    // the server may already have closed the socket
  }
  process.exit(0);
});
