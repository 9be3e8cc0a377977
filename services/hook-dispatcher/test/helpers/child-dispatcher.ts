import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DispatcherOptions } from '../../src/config/dispatcher-options.js';
import { NATS_URL, REDIS_URL, SECRET } from './infra.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** A dispatcher running as a real process (`node --import tsx src/main.ts`), so it can be SIGKILLed. */
export class ChildDispatcher {
  private child: ChildProcess | undefined;
  port = 0;
  readonly stderr: string[] = [];

  constructor(private readonly options: Partial<DispatcherOptions>) {}

  async start(timeoutMs = 120_000): Promise<void> {
    const o = this.options;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      REDIS_URL,
      NATS_URL,
      LOGLEVEL: 'info',
      HOOK_SIGNING_SECRET: SECRET,
      HOOK_HTTP_PORT: '0',
      HOOK_HTTP_HOST: '127.0.0.1',
      HOOK_SUBJECT_PREFIX: o.subjectPrefix,
      HOOK_STREAM: o.streamName,
      HOOK_CONSUMER: o.consumerName,
      HOOK_QUEUE: o.queueName,
      HOOK_KEY_PREFIX: o.keyPrefix,
      HOOK_LOCK_MS: String(o.lockDurationMs ?? 2000),
      HOOK_BACKOFF_BASE_MS: String(o.backoffBaseMs ?? 200),
      HOOK_BACKOFF_MAX_MS: String(o.backoffMaxMs ?? 2000),
      HOOK_MAX_ATTEMPTS: String(o.maxAttempts ?? 10),
      HOOK_CONCURRENCY: String(o.concurrency ?? 16),
      HOOK_HOST_CONCURRENCY: String(o.hostConcurrency ?? 16),
      HOOK_REORDER_WINDOW_MS: String(o.reorderWindowMs ?? 500),
      HOOK_TIMEOUT_MS: String(o.requestTimeoutMs ?? 2000),
    };
    const child = spawn(process.execPath, ['--import', 'tsx', 'services/hook-dispatcher/src/main.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stderr!.on('data', (d: Buffer) => this.stderr.push(d.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`dispatcher did not start: ${this.stderr.join('')}`)), timeoutMs);
      let buf = '';
      child.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        let nl = buf.indexOf('\n');
        while (nl >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          nl = buf.indexOf('\n');
          try {
            const rec = JSON.parse(line) as { msg?: string; opsPort?: number };
            if (rec.msg === 'hook-dispatcher ready' && rec.opsPort) {
              this.port = rec.opsPort;
              clearTimeout(timer);
              resolve();
            }
          } catch {
            // not a log line
          }
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`dispatcher exited with ${code}: ${this.stderr.join('')}`));
      });
    });
  }

  /** Delivered count from this process's /metrics. */
  async delivered(): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${this.port}/metrics`)).text();
    let n = 0;
    for (const m of text.matchAll(/^dragon_hook_delivered_total\{[^}]*\} (\d+)/gm)) n += Number(m[1]);
    return n;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }
}
