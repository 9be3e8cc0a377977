/**
 * Entry point: `node --import tsx services/sip-server/src/main.ts [drachtio-server options]`.
 * Accepts drachtio-server's command line, DRACHTIO_* variables and drachtio.conf.xml
 * (see README); runs through the shared service runner (SIGTERM/SIGINT drain with
 * a deadline, one exit path). Its ops port is drachtio's `--prometheus-scrape-port`.
 */
import { runService, ServiceExit } from '@dragonpbx/shared/platform';
import { runCli } from './cli/run-cli.js';

await runService({
  name: 'sip-server',
  // Its own settings keep drachtio-server's names and sources (command line,
  // config file, DRACHTIO_* variables), read once here at start-up.
  env: {},
  defaultOpsPort: 0,
  build: async ({ logger }) => {
    const result = await runCli({
      argv: process.argv.slice(2),
      env: process.env,
      print: (line) => process.stdout.write(`${line}\n`),
      printError: (line) => process.stderr.write(`${line}\n`),
    });
    // --help, --version, or a configuration error already printed in drachtio's format.
    if (result.kind === 'exit') throw new ServiceExit(result.code);
    // drachtio-server re-reads its configuration on SIGHUP; we do not, but must not die of it either.
    process.on('SIGHUP', () => logger.warn('SIGHUP: configuration reload is not supported; restart to apply changes'));
    return {
      // run-cli serves /healthz, /readyz and /metrics on the scrape port with the shared ops server.
      ops: false,
      readiness: () => ({ 'sip-server': result.server.started }),
      stop: () => result.stop(),
    };
  },
});
