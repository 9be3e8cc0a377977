export { type SippOptions, type SippProcess, type SippResult, describeSipp, runSipp, startSipp } from './sipp.js';
export type { SipParse, TestSipMessage, TestSipRequest, TestSipResponse } from './test-sip-message.js';
export { SipInbox } from './sip-inbox.js';
export { SDP, answer, sipText } from './sip-text.js';
export { UdpUa, type UdpUaOptions } from './udp-ua.js';
export { TcpUa, type TcpUaOptions, type TestStreamFramer } from './tcp-ua.js';
export { type Datagram, UdpPeer } from './udp-peer.js';
export { parseReply, type SipReply } from './sip-reply.js';
export { RegisterUa, type RegisterSpec, authorize } from './register-ua.js';
