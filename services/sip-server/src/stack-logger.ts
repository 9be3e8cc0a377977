/** Minimal pino-compatible logger the SIP core writes to. */
export interface StackLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Default: silent except warnings/errors on stderr. */
export const stderrLogger: StackLogger = Object.freeze({
  debug() {},
  info() {},
  warn(obj: object, msg?: string) {
    console.warn('[sip-stack]', msg ?? '', obj);
  },
  error(obj: object, msg?: string) {
    console.error('[sip-stack]', msg ?? '', obj);
  },
});
