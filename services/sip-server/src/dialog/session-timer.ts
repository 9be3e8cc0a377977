import type { BridgeContext } from '../drachtio/bridge-context.js';
import { SipRequest } from '../sip/sip-request.js';
import type { SipResponse } from '../sip/sip-response.js';
import { buildInDialogRequest } from './build-in-dialog-request.js';
import type { Dialog } from './dialog.js';
import type { SessionTimerHook } from './dialog-layer.js';
import { DialogState } from './dialog-state.js';
import { parseSessionExpires } from './session-expires.js';
import type { SessionTimerDelegate } from './session-timer-delegate.js';

/**
 * RFC 4028 session timers for UAS dialogs (docs/drachtio-protocol.md §4.4, §4.7): when the
 * peer is the refresher and no refresh arrives before the session expires,
 * the server sends BYE (`Session timer expired`) and tells the app; when we
 * are the refresher, the server re-INVITEs with the last local SDP at half
 * the interval and ACKs the 2xx itself.
 */
export class SessionTimer implements SessionTimerHook {
  constructor(
    private readonly ctx: BridgeContext,
    private readonly dialogs: SessionTimerDelegate,
    /** Smallest interval honoured, seconds (RFC 4028 Min-SE). @defaultValue 90 */
    readonly minSE: number,
  ) {}

  arm(d: Dialog, _req: SipRequest, res: SipResponse): void {
    if (res.body.length > 0) d.localSdp = res.body;
    // refresher is relative to the transaction we answered: uas = us.
    this.#start(d, res, 'uas');
  }

  /** A 2xx to an INVITE we sent (app INVITE or re-INVITE): here `refresher=uac` means us (RFC 4028 §7.2). */
  armUac(d: Dialog, req: SipRequest, res: SipResponse): void {
    if (req.body.length > 0) d.localSdp = req.body;
    this.#start(d, res, 'uac');
  }

  /** (Re)starts the session timer from the 2xx's Session-Expires; `us` is our role in that transaction (the default refresher). */
  #start(d: Dialog, res: SipResponse, us: 'uas' | 'uac'): void {
    const se = parseSessionExpires(res.get('session-expires'));
    d.clearTimer('session');
    if (!se) {
      d.sessionInterval = 0;
      return;
    }
    d.sessionInterval = Math.max(this.minSE, se.seconds);
    d.weRefresh = (se.refresher ?? us) === us;
    this.#schedule(d);
  }

  refreshed(d: Dialog, req: SipRequest): void {
    if (d.sessionInterval === 0) return;
    const se = parseSessionExpires(req.get('session-expires'));
    if (se) d.sessionInterval = Math.max(this.minSE, se.seconds);
    this.#schedule(d);
  }

  #schedule(d: Dialog): void {
    const interval = d.sessionInterval;
    if (interval === 0) return;
    if (d.weRefresh) {
      d.setTimer('session', (interval * 1000) / 2, () => this.#refresh(d));
    } else {
      // RFC 4028 §10: BYE before expiry minus min(32 s, interval/3).
      const ms = (interval - Math.min(32, interval / 3)) * 1000;
      d.setTimer('session', ms, () => this.dialogs.serverBye(d, 'Session timer expired'));
    }
  }

  /** Our refreshing re-INVITE; the app is not involved (docs/drachtio-protocol.md §4.7). */
  #refresh(d: Dialog): void {
    if (d.state !== DialogState.Confirmed) return;
    const app = new SipRequest('INVITE', 'sip:placeholder');
    app.append('Session-Expires', `${d.sessionInterval};refresher=uac`);
    app.append('Supported', 'timer');
    if (d.localSdp) {
      app.append('Content-Type', 'application/sdp');
      app.body = d.localSdp;
    }
    const req = buildInDialogRequest(app, d);
    this.dialogs.nextHop(d).then(
      (hop) => {
        const txn = this.ctx.stack.sendRequest(req, { destination: hop.destination });
        txn.on('response', (res) => {
          if (res.status < 200) return;
          if (res.status >= 300) {
            this.dialogs.serverBye(d, 'Session timer expired');
            return;
          }
          const ackApp = new SipRequest('ACK', 'sip:placeholder');
          d.inviteCseq = Number((req.get('cseq') ?? '0').split(' ')[0]);
          this.ctx.sendStateless(buildInDialogRequest(ackApp, d), hop.destination);
          const se = parseSessionExpires(res.get('session-expires'));
          if (se) {
            d.sessionInterval = Math.max(this.minSE, se.seconds);
            // In our re-INVITE we are the UAC.
            d.weRefresh = (se.refresher ?? 'uac') === 'uac';
          }
          this.#schedule(d);
        });
        txn.once('timeout', () => this.dialogs.serverBye(d, 'Session timer expired'));
      },
      () => this.dialogs.serverBye(d, 'Session timer expired'),
    );
  }
}
