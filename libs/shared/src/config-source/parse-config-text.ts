import { PBX_ERR_CONFIG_INVALID } from './config-errors.js';

/**
 * Where a JSON syntax error is, as `line L, column C`. V8's own message quotes
 * the text around the error, which may be a password, so only the position
 * is reported.
 */
function locate(text: string, err: Error): string {
  const at = /position (\d+)/.exec(err.message);
  if (!at) return text.trim() === '' ? 'empty document' : 'syntax error';
  const pos = Number(at[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `syntax error at line ${line}, column ${column}`;
}

/** Parses JSON text, turning a syntax error into `PBX_ERR_CONFIG_INVALID` naming `origin`. */
export function parseConfigText(text: string, origin: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new PBX_ERR_CONFIG_INVALID(`${origin}: not valid JSON: ${locate(text, err as Error)}`);
  }
}
