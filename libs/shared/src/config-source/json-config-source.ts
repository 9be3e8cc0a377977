import { type FSWatcher, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { ConfigSnapshot } from '../model/config-snapshot.js';
import { PBX_ERR_CONFIG_READ } from './config-errors.js';
import { ConfigSourceBase } from './config-source-base.js';
import type { ConfigSourceDeps } from './config-source-deps.js';
import {
  type JsonConfigSourceInput,
  type JsonConfigSourceOptions,
  JsonConfigSourceOptionsSchema,
} from './json-config-source-options.js';
import { resolveOptions } from './resolve-options.js';
import { snapshotFromFile } from './snapshot-from-file.js';

/**
 * `DATA_SOURCE=json`: the original's `config.json`, hot-reloaded. The
 * directory is watched rather than the file, because editors that save by
 * writing a temporary file and renaming it over the original replace the
 * inode a file watch would be bound to. A broken edit is logged and the last
 * good configuration stays live.
 */
export class JsonConfigSource extends ConfigSourceBase {
  readonly kind = 'json' as const;
  readonly options: Readonly<JsonConfigSourceOptions>;
  #watcher: FSWatcher | undefined;

  constructor(options: JsonConfigSourceInput, deps: ConfigSourceDeps) {
    super(deps.logger);
    const resolved = resolveOptions(JsonConfigSourceOptionsSchema, options, 'json config source');
    this.options = Object.freeze({ ...resolved, file: resolve(resolved.file) });
  }

  async start(): Promise<void> {
    // Watch first, so an edit landing during the initial read is not missed.
    if (this.options.watch) this.#watch();
    try {
      this.accept(await this.#read());
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    this.#watcher?.close();
    this.#watcher = undefined;
    await this.stopReloads();
  }

  #watch(): void {
    const name = basename(this.options.file);
    this.#watcher = watch(dirname(this.options.file), { persistent: false }, (_event, changed) => {
      // Some platforms omit the name; then any event in the directory may be ours.
      // Kubernetes mounts a ConfigMap as `file -> ..data/file` and updates it by
      // swapping the `..data` symlink, so events on `..*` entries count too.
      const entry = changed?.toString();
      if (entry === undefined || entry === name || entry.startsWith('..')) this.scheduleReload(this.options.debounceMs, () => this.#read());
    });
    this.#watcher.on('error', (err) => {
      this.logger.warn({ source: this.kind, file: this.options.file, err: err.message }, 'config file watch failed');
    });
  }

  async #read(): Promise<ConfigSnapshot> {
    let text: string;
    try {
      text = await readFile(this.options.file, 'utf8');
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new PBX_ERR_CONFIG_READ(this.options.file, e.code ?? e.message);
    }
    return snapshotFromFile(text, this.options.file);
  }
}
