// @dragonpbx/shared/srf: the typed facade over drachtio-srf and its connect helper. Loads drachtio-srf.
// One export line per module, sorted by path.
export { connectSrf, type ConnectSrfOptions, type ConnectedSrf } from './srf/connect-srf.js';
export type { SrfApp, SrfConstructor, SrfHandler, SrfMiddleware, SrfSipError, UacLateOffer } from './srf/srf-app.js';
export type { Dialog, DialogRequestListener, DialogRequestOptions } from './srf/srf-dialog.js';
export { PBX_ERR_SRF_AUTH, PBX_ERR_SRF_CONNECT_TIMEOUT, PBX_ERR_SRF_OPTIONS } from './srf/srf-errors.js';
export type { NameAddr, ParsedSipUri, SendOptions, SrfHeaders, SipMessage, SipMethod, SrfMessageBase, SrfRequest, SrfResponse, ViaHop } from './srf/srf-message.js';
export type { CreateB2buaOptions, CreateUacOptions, CreateUasOptions, ProxyRequestOptions, ProxyResult, SrfAuth, SrfConnectOptions, SrfRequestOptions, UacProgressCallbacks } from './srf/srf-options.js';
export { Srf, SrfSipErrorClass, isSrfSipError, parseSipUri } from './srf/srf.js';
