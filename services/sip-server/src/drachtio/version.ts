/**
 * Version reported in the authenticate answer. drachtio-srf only starts its
 * optional pings when this parses as `v<major>.<minor>.<patch>` ≥ v0.8.2
 * (reference §2.1 item 5), so we report the reference server's release line.
 */
export const DRACHTIO_VERSION = 'v0.9.10';
