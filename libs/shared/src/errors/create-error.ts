import { PbxError } from './pbx-error.js';

/** A constructor for one error code, made by {@link createError}. */
export interface PbxErrorClass<A extends unknown[]> {
  new (...args: A): PbxError;
  readonly code: string;
}

const registry = new Map<string, string>();

/**
 * Declares an error code once and returns its constructor. The message is a
 * template whose `%s` placeholders take the constructor's arguments in order.
 * Declaring the same code twice throws, so codes stay unique across packages.
 *
 * @example
 * const PBX_ERR_ENV_INVALID = createError('PBX_ERR_ENV_INVALID', 'invalid %s: %s', 500);
 * throw new PBX_ERR_ENV_INVALID('REDIS_URL', 'not a URL');
 */
export function createError<A extends unknown[] = string[]>(
  code: string,
  template: string,
  statusCode = 500,
): PbxErrorClass<A> {
  if (!/^PBX_ERR_[A-Z0-9_]+$/.test(code)) throw new TypeError(`bad error code ${code}`);
  if (registry.has(code)) throw new TypeError(`error code ${code} declared twice`);
  registry.set(code, template);
  const Cls = class extends PbxError {
    static readonly code = code;
    constructor(...args: A) {
      let i = 0;
      const last = args[args.length - 1];
      const cause = last instanceof Error ? last : undefined;
      const message = template.replace(/%s/g, () => String(args[i++] ?? ''));
      super(code, message, statusCode, cause ? { cause } : undefined);
      this.name = code;
    }
  };
  return Cls as unknown as PbxErrorClass<A>;
}

/** Every declared code with its message template (for docs and tests). */
export function listErrorCodes(): ReadonlyMap<string, string> {
  return registry;
}
