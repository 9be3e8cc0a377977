import { type Static, Type } from '@sinclair/typebox';

/** Options of the `api` backend (docs/contract.md §2.6 env names in brackets). */
export const ApiConfigSourceOptionsSchema = Type.Object(
  {
    /**
     * Feed URL [`CONFIG_URL`].
     * @defaultValue `http://127.0.0.1:1337/api/v1/domains`
     */
    url: Type.String({ format: 'uri', default: 'http://127.0.0.1:1337/api/v1/domains' }),
    /**
     * Bearer token [`CONFIG_TOKEN`]; no `Authorization` header when unset.
     * @defaultValue unset
     */
    token: Type.Optional(Type.String({ minLength: 1 })),
    /**
     * Poll interval in seconds [`CONFIG_TTL`]; fractions allowed.
     * @defaultValue 60
     */
    ttlSeconds: Type.Number({ exclusiveMinimum: 0, maximum: 86_400, default: 60 }),
    /**
     * Whole-request timeout in ms.
     * @defaultValue 10000
     */
    timeoutMs: Type.Integer({ minimum: 1, maximum: 600_000, default: 10_000 }),
  },
  { additionalProperties: false },
);
export type ApiConfigSourceOptions = Static<typeof ApiConfigSourceOptionsSchema>;
/** Options as a caller may give them: defaults optional. */
export type ApiConfigSourceInput = Partial<ApiConfigSourceOptions>;
