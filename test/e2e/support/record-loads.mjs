// `node --import tsx --import ./record-loads.mjs …` appends the URL of every module the
// process resolves (one per line) to the file named by LOAD_RECORD_FILE. Module hooks
// see ESM imports, including the imports of CommonJS packages made from ESM.
import { register } from 'node:module';

register(new URL('./load-hooks.mjs', import.meta.url), { data: { out: process.env.LOAD_RECORD_FILE } });
