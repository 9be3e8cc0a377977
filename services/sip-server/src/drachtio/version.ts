/**
 * Version reported in the authenticate answer. drachtio-srf only starts its
 * optional pings when this parses as `v<major>.<minor>.<patch>` ≥ v0.8.2
 * (docs/drachtio-protocol.md §2.1 step 5), so we report a drachtio-server release line.
 */
export const DRACHTIO_VERSION = 'v0.9.10';
