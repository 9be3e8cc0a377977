/**
 * Starts the call-router (`services/call-router/src/main.ts`, configured by
 * its environment) with a forced full GC on SIGUSR2 that prints
 * `gc done <heapUsed bytes>`, so the bench reads the live heap of the same
 * process it measures (`--expose-gc` required). Bench use only.
 */
import { pathToFileURL } from 'node:url';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('router-gc-main.ts needs node --expose-gc');
process.on('SIGUSR2', () => {
  gc();
  process.stdout.write(`gc done ${process.memoryUsage().heapUsed}\n`);
});
const main = process.env.CALL_ROUTER_MAIN ?? new URL('../../services/call-router/src/main.ts', import.meta.url).pathname;
await import(pathToFileURL(main).href);
