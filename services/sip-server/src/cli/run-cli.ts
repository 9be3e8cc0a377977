import { PbxError } from '@dragonpbx/shared/contracts';
import { createLogger } from '@dragonpbx/shared/platform';
import type { Logger } from 'pino';
import { DRACHTIO_VERSION } from '../drachtio/version.js';
import type { MetricsSnapshot } from '../ops/metrics-source.js';
import { type OpsServer, startOpsServer } from '../ops/ops-server.js';
import { SipServerMetrics } from '../ops/sip-server-metrics.js';
import type { PolicyEvent } from '../policy/create-policy.js';
import { SipServer } from '../server.js';
import { resolveCli } from './resolve-cli.js';
import { usageText } from './usage.js';

/** Process plumbing, passed in so the whole boot path runs in tests. */
export interface RunCliDeps {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** One line to stdout (help, version). */
  readonly print: (line: string) => void;
  /** One line to stderr (fatal configuration errors). */
  readonly printError: (line: string) => void;
  /** @defaultValue the shared `createLogger` on stdout at the configured level; the server logs through it too */
  readonly logger?: Logger;
}

/** A booted server, or an exit code when there is nothing to run. */
export type RunCliResult =
  | { readonly kind: 'exit'; readonly code: number }
  | { readonly kind: 'running'; readonly server: SipServer; readonly ops?: OpsServer; stop(): Promise<void> };

/** Server counters (apps, dialogs, app transactions) over the SIP stack's own counters. */
function snapshotOf(server: SipServer): MetricsSnapshot {
  return { ...server.stack.stats(), ...server.stats() };
}

/**
 * Boots the server from a drachtio-server command line. Configuration errors
 * print one `sip-server: PBX_ERR_…: message` line and yield exit code 1;
 * `--help` / `--version` yield exit code 0.
 */
export async function runCli(deps: RunCliDeps): Promise<RunCliResult> {
  let metrics: SipServerMetrics | undefined;
  let log: Logger | undefined = deps.logger;
  const onPolicy = (e: PolicyEvent): void => {
    metrics?.observePolicy(e);
    if (e.kind === 'spammer') {
      log?.info({ method: e.method, header: e.header, value: e.candidate }, 'detected potential spammer; answering 603');
    }
  };
  let plan: ReturnType<typeof resolveCli>;
  try {
    plan = resolveCli({ argv: deps.argv, env: deps.env, policyObserver: onPolicy });
  } catch (err) {
    deps.printError(`sip-server: ${err instanceof PbxError ? `${err.code}: ` : ''}${(err as Error).message}`);
    return { kind: 'exit', code: 1 };
  }
  if (plan.exit === 'help') {
    deps.print(usageText());
    return { kind: 'exit', code: 0 };
  }
  if (plan.exit === 'version') {
    deps.print(DRACHTIO_VERSION);
    return { kind: 'exit', code: 0 };
  }
  log ??= createLogger({ service: 'sip-server', level: plan.serverOptions.logLevel ?? 'info' });
  for (const w of plan.warnings) log.warn(w);

  // The ops listener belongs to this entry point, so the server is not asked to open it too.
  const { metricsPort: _ignored, ...serverOptions } = plan.serverOptions;
  let server: SipServer;
  try {
    // Without a logger the server falls back to a silent one, and listener exceptions and
    // socket errors would vanish in production.
    server = new SipServer(serverOptions, { logger: log });
    await server.start();
  } catch (err) {
    deps.printError(`sip-server: ${err instanceof PbxError ? `${err.code}: ` : ''}${(err as Error).message}`);
    return { kind: 'exit', code: 1 };
  }
  let ops: OpsServer | undefined;
  if (plan.metrics) {
    metrics = new SipServerMetrics({ source: () => snapshotOf(server) });
    try {
      ops = await startOpsServer({
        host: plan.metrics.address,
        port: plan.metrics.port,
        metrics,
        readiness: () => ({ 'sip-server': server.started }),
      });
    } catch (err) {
      // Metrics are an aid, not the service: a busy scrape port must not take SIP down.
      log.error({ err: (err as Error).message, port: plan.metrics.port }, 'cannot open the metrics port; running without metrics');
    }
  }
  const o = server.options;
  log.info(
    {
      admin: `${o.admin.address}:${o.admin.port}`,
      contacts: o.contacts.map((c) => `${c.protocol}/${c.host}:${c.port}`),
      metrics: ops ? `${plan.metrics!.address}:${ops.port}` : undefined,
      configFile: plan.configFile,
    },
    'sip-server started',
  );
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await ops?.close();
      await server.stop();
    })();
    return stopping;
  };
  return ops ? { kind: 'running', server, ops, stop } : { kind: 'running', server, stop };
}
