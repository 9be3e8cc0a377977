import { readFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import Handlebars from 'handlebars';
import { PBX_ERR_CALLHOOK_TEMPLATE } from '../call-router-errors.js';
import { templateDate, templateHelpers } from './template-helpers.js';

/** Largest template file read (a CallScript is small; a runaway file must not fill memory). */
const MAX_TEMPLATE_BYTES = 256 * 1024;

/**
 * Where a `file:` hook URL points under `root` (`FILE_PATH`): `file://x.json`,
 * `file:/x.json` and `file:x.json` all name `root/x.json`. A path that leaves
 * `root` (`..`, `%2e%2e`) is refused.
 */
export function resolveFileHook(url: string, root: string): string {
  if (!url.startsWith('file:')) throw new PBX_ERR_CALLHOOK_TEMPLATE(url, 'not a file: URL');
  let path = url.slice('file:'.length).replace(/^\/\//, '');
  try {
    path = decodeURIComponent(path);
  } catch {
    throw new PBX_ERR_CALLHOOK_TEMPLATE(url, 'bad percent-encoding');
  }
  const base = resolve(root);
  const full = resolve(base, `.${sep}${path.replace(/^\/+/, '')}`);
  if (full !== base && !full.startsWith(base + sep)) throw new PBX_ERR_CALLHOOK_TEMPLATE(url, 'path leaves FILE_PATH');
  return full;
}

/**
 * Escapes every string of the template context for use inside a JSON string
 * literal, so a caller-controlled value (From user, a header) cannot close
 * the string and inject verbs. Templates render with `noEscape` (HTML escaping
 * would corrupt JSON); this is the escaping that fits.
 */
function jsonSafe(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return JSON.stringify(value).slice(1, -1);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => jsonSafe(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = jsonSafe(v, depth + 1);
  return out;
}

/** Renders `file:` CallHooks (docs/contract.md §3.4): Handlebars over the CallHook body plus `date`. */
export class FileHookRenderer {
  readonly #root: string;
  readonly #now: () => Date;
  readonly #hb: typeof Handlebars;
  readonly #compiled = new Map<string, HandlebarsTemplateDelegate>();

  /** @param now clock, swappable in tests. @defaultValue `() => new Date()` */
  constructor(root: string, now: () => Date = () => new Date()) {
    this.#root = root;
    this.#now = now;
    this.#hb = Handlebars.create();
    this.#hb.registerHelper(templateHelpers(now));
  }

  /**
   * Reads, renders and parses the template of `url`. Throws
   * `PBX_ERR_CALLHOOK_TEMPLATE` when the file is missing, too large, does not
   * render, or renders to something that is not JSON.
   */
  async render(url: string, body: Record<string, unknown>): Promise<unknown> {
    const file = resolveFileHook(url, this.#root);
    let text: string;
    try {
      const buf = await readFile(file);
      if (buf.length > MAX_TEMPLATE_BYTES) throw new Error(`larger than ${MAX_TEMPLATE_BYTES} bytes`);
      text = buf.toString('utf8');
    } catch (err) {
      throw new PBX_ERR_CALLHOOK_TEMPLATE(url, `cannot read: ${(err as Error).message}`);
    }
    let rendered: string;
    try {
      rendered = this.#template(text)({ ...(jsonSafe(body) as object), date: templateDate(this.#now()) });
    } catch (err) {
      throw new PBX_ERR_CALLHOOK_TEMPLATE(url, `cannot render: ${(err as Error).message}`);
    }
    try {
      return JSON.parse(rendered);
    } catch (err) {
      throw new PBX_ERR_CALLHOOK_TEMPLATE(url, `not JSON after rendering: ${(err as Error).message}`);
    }
  }

  #template(text: string): HandlebarsTemplateDelegate {
    let t = this.#compiled.get(text);
    if (t === undefined) {
      t = this.#hb.compile(text, { noEscape: true, strict: false });
      if (this.#compiled.size >= 256) this.#compiled.clear();
      this.#compiled.set(text, t);
    }
    return t;
  }
}
