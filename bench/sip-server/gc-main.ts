/**
 * Starts the sip-server CLI (`main.ts` of the tree given by SIP_SERVER_MAIN,
 * default this checkout) with a forced full GC on SIGUSR2, so the memory
 * bench can read the live heap (`--expose-gc` required). Bench use only.
 */
import { pathToFileURL } from 'node:url';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('gc-main.ts needs node --expose-gc');
process.on('SIGUSR2', () => {
  gc();
  process.stdout.write('gc done\n');
});
const main = process.env.SIP_SERVER_MAIN ?? new URL('../../services/sip-server/src/main.ts', import.meta.url).pathname;
await import(pathToFileURL(main).href);
