// The scripted TCP user agent lives in @dragonpbx/testkit; the SIP server's
// tests frame and read what it receives with the server's own code.
import { TcpUa as KitTcpUa } from '@dragonpbx/testkit';
import { parseMessage } from '../../src/sip/parse-message.js';
import type { SipMessage } from '../../src/sip/sip-message.js';
import type { SipRequest } from '../../src/sip/sip-request.js';
import type { SipResponse } from '../../src/sip/sip-response.js';
import { SipStreamFramer } from '../../src/sip/stream-framer.js';

/** A {@link KitTcpUa} that yields the SIP server's parsed messages. */
export type TcpUa = KitTcpUa<SipMessage, SipRequest, SipResponse>;
export const TcpUa = {
  open: (): Promise<TcpUa> =>
    KitTcpUa.open<SipMessage, SipRequest, SipResponse>({ parse: (b) => parseMessage(b, { stream: true }), framer: () => new SipStreamFramer() }),
};
