/**
 * The logging a config source needs; a pino `Logger` satisfies it. Lines are
 * structured (`{ code, err }`) and never carry passwords or tokens.
 */
export interface ConfigLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
