import { PbxError } from '@dragonpbx/shared/contracts';
import { connectNats } from '@dragonpbx/shared/messaging';
import { BASE_ENV, parseEnv } from '@dragonpbx/shared/platform';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { dispatcherOptionsFromEnv } from './config/env-options.js';
import { HOOK_DISPATCHER_ENV } from './config/hook-dispatcher-env.js';
import { HookDispatcher } from './dispatcher.js';

const USAGE = `usage: node --import tsx services/hook-dispatcher/src/cli.ts <command>
  dlq list [offset] [limit]   list dead-lettered events (JSON)
  dlq show <id>               one entry
  dlq replay <id>             queue one event for delivery again (same webhook-id)
  dlq replay-all              queue every dead-lettered event again
  dlq delete <id>             drop one entry
Uses the same environment as the service (REDIS_URL, NATS_URL, HOOK_KEY_PREFIX, HOOK_QUEUE, …).`;

/** Operator CLI for the dead-letter list; talks to Redis/BullMQ directly, no running service needed. */
async function main(argv: string[]): Promise<number> {
  const [area, cmd, arg, arg2] = argv;
  if (area !== 'dlq' || !cmd) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const env = parseEnv({ ...BASE_ENV, ...HOOK_DISPATCHER_ENV });
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  // Only used to satisfy the constructor: the CLI never starts consuming.
  const nats = await connectNats({ servers: env.NATS_URL, name: 'hook-dispatcher-cli', maxReconnectAttempts: 0 });
  const dispatcher = new HookDispatcher(
    { redis, nats, logger: pino({ level: 'silent' }), registry: new Registry() },
    dispatcherOptionsFromEnv(env),
  );
  const out = (v: unknown) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
  try {
    switch (cmd) {
      case 'list':
        out(await dispatcher.deadLetters.list(Number(arg ?? 0) || 0, Number(arg2 ?? 100) || 100));
        return 0;
      case 'show':
        out(await dispatcher.deadLetters.get(arg ?? ''));
        return 0;
      case 'replay':
        out(await dispatcher.replay(arg ?? ''));
        return 0;
      case 'replay-all':
        out({ replayed: await dispatcher.replayAll() });
        return 0;
      case 'delete':
        await dispatcher.deadLetters.get(arg ?? '');
        out({ deleted: await dispatcher.deadLetters.remove(arg ?? '') });
        return 0;
      default:
        process.stderr.write(`${USAGE}\n`);
        return 2;
    }
  } catch (err) {
    if (err instanceof PbxError) {
      process.stderr.write(`${err.code}: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await dispatcher.queue.close();
    await nats.close();
    redis.disconnect();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    // A bad variable (PBX_ERR_ENV_INVALID) is one line, not a stack trace.
    process.stderr.write(err instanceof PbxError ? `${err.code}: ${err.message}\n` : `${String((err as Error)?.stack ?? err)}\n`);
    process.exit(1);
  },
);
