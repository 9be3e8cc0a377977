export { SipServer, type SipServerStats } from './server.js';
export * from './server-options.js';
