/**
 * Base class of every error Dragon PBX raises on purpose. `code` is stable and
 * greppable (`PBX_ERR_…`); log lines and HTTP error bodies carry it verbatim.
 */
export class PbxError extends Error {
  readonly code: string;
  /** HTTP status to use when this error answers an HTTP request. */
  readonly statusCode: number;

  constructor(code: string, message: string, statusCode = 500, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PbxError';
    this.code = code;
    this.statusCode = statusCode;
  }

  toJSON(): { code: string; message: string } {
    return { code: this.code, message: this.message };
  }
}
