import { PBX_ERR_CONFIG_INVALID } from './config-errors.js';

/** Parses JSON text, turning a syntax error into `PBX_ERR_CONFIG_INVALID` naming `origin`. */
export function parseConfigText(text: string, origin: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new PBX_ERR_CONFIG_INVALID(`${origin}: not valid JSON: ${(err as Error).message}`);
  }
}
