import Srf from 'drachtio-srf';

/**
 * drachtio-srf ships partial typings (no `register()`, loose dialog types),
 * so tests drive it through this loose type.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type LooseSrf = any;

/** Creates an application and connects it; resolves once authenticated. */
export function connectApp(port: number, secret = 'cymru'): Promise<LooseSrf> {
  const srf: LooseSrf = new Srf();
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`srf did not connect to ${port}`)), 30_000);
    srf.on('connect', (err: Error | null) => {
      clearTimeout(t);
      if (err) reject(err);
      else resolve(srf);
    });
    srf.on('error', () => {});
    srf.connect({ host: '127.0.0.1', port, secret, reconnect: { maxAttempts: 0 } });
  });
}

/** Disconnects quietly. */
export function disconnectApp(srf: LooseSrf | undefined): void {
  try {
    srf?.disconnect();
  } catch {
    // already gone
  }
}

/**
 * Answers an INVITE with a 200 carrying an SDP on `rtpPort`; `onEnd` runs when
 * the dialog ends (BYE or destroy). A failed answer is ignored here: the test's
 * SIPp scenario or assertions report it.
 */
export function answerInvite(app: LooseSrf, req: LooseSrf, res: LooseSrf, rtpPort: number, onEnd?: () => void): void {
  app
    .createUAS(req, res, { localSdp: sdp('dragon-answer', rtpPort) })
    .then((dlg: LooseSrf) => {
      if (onEnd) dlg.on('destroy', onEnd);
    })
    .catch(() => {});
}

/** Short SDP offers/answers with a marker line so tests can tell who sent which. */
export function sdp(marker: string, port: number): string {
  return [
    'v=0',
    `o=dragon 1 1 IN IP4 127.0.0.1`,
    `s=${marker}`,
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${port} RTP/AVP 0`,
    'a=rtpmap:0 PCMU/8000',
    '',
  ].join('\r\n');
}

/** Resolves when `cond()` holds, polling; rejects after `timeoutMs`. */
export async function until(cond: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
