/**
 * Entry point: `node --import tsx services/sip-server/src/main.ts [drachtio-server options]`.
 * Accepts drachtio-server's command line and drachtio.conf.xml (see README),
 * stops cleanly on SIGINT/SIGTERM.
 */
import { runCli } from './cli/run-cli.js';

const result = await runCli({
  argv: process.argv.slice(2),
  env: process.env,
  print: (line) => process.stdout.write(`${line}\n`),
  printError: (line) => process.stderr.write(`${line}\n`),
});

if (result.kind === 'exit') {
  process.exitCode = result.code;
} else {
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    // A second signal means the operator does not want to wait for a clean stop.
    if (signals > 1) process.exit(1);
    process.stdout.write(`${JSON.stringify({ level: 30, msg: `received ${signal}; stopping` })}\n`);
    result.stop().then(
      () => process.exit(0),
      (err: Error) => {
        process.stderr.write(`sip-server: error while stopping: ${err.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // drachtio-server re-reads its configuration on SIGHUP; we do not, but must not die of it either.
  process.on('SIGHUP', () => {
    process.stdout.write(`${JSON.stringify({ level: 40, msg: 'SIGHUP: configuration reload is not supported; restart to apply changes' })}\n`);
  });
}
