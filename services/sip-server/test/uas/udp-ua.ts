// The scripted UDP user agent lives in @dragonpbx/testkit; the SIP server's
// tests read what it receives with the server's own parser.
import { UdpUa as KitUdpUa } from '@dragonpbx/testkit';
import { parseMessage } from '../../src/sip/parse-message.js';
import type { SipMessage } from '../../src/sip/sip-message.js';
import type { SipRequest } from '../../src/sip/sip-request.js';
import type { SipResponse } from '../../src/sip/sip-response.js';

export { SDP, answer } from '@dragonpbx/testkit';

/** A {@link KitUdpUa} that yields the SIP server's parsed messages. */
export type UdpUa = KitUdpUa<SipMessage, SipRequest, SipResponse>;
export const UdpUa = {
  open: (host?: string): Promise<UdpUa> => KitUdpUa.open<SipMessage, SipRequest, SipResponse>({ parse: (b) => parseMessage(b), ...(host !== undefined && { host }) }),
};
