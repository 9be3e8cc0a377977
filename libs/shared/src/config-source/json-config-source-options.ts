import { type Static, Type } from '@sinclair/typebox';

/** Options of the `json` backend. */
export const JsonConfigSourceOptionsSchema = Type.Object(
  {
    /** Path of the config file (`CONFIG_FILE`). */
    file: Type.String({ minLength: 1 }),
    /**
     * Quiet time after the last file event before reloading, in ms, so an
     * editor's write-rename sequence produces one reload.
     * @defaultValue 100
     */
    debounceMs: Type.Integer({ minimum: 0, maximum: 60_000, default: 100 }),
    /**
     * Reload when the file changes.
     * @defaultValue true
     */
    watch: Type.Boolean({ default: true }),
  },
  { additionalProperties: false },
);
export type JsonConfigSourceOptions = Static<typeof JsonConfigSourceOptionsSchema>;
/** Options as a caller may give them: defaults optional. */
export type JsonConfigSourceInput = Pick<JsonConfigSourceOptions, 'file'> & Partial<JsonConfigSourceOptions>;
