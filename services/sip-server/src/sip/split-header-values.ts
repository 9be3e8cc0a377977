// Comma-list splitting (RFC 3261 §7.3.1) is shared with the registrar.
export { splitHeaderValues } from '@dragonpbx/shared/sip';
