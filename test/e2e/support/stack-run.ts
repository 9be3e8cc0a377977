// Runs scripts/stack.sh the way the e2e tests need it: every port moved off its default
// from a `base`, state in a temporary DRAGON_STATE_DIR, and Redis keys, NATS subjects and
// the hook stream under a random prefix, so a test stack runs beside one on the defaults.
import { type SpawnOptions, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Generous: the test machine is shared, and a stack of five node processes starts slowly there. */
export const READY_TIMEOUT_S = 240;

/** Every port of one stack, off the defaults; `base` keeps two stacks apart (base … base+49). */
export function portsEnv(base: number): Record<string, string> {
  return {
    SIP_PORT: String(base),
    DRACHTIO_PORT: String(base + 1),
    SIP_SERVER_OPS_PORT: String(base + 2),
    REGISTRAR_OPS_PORT: String(base + 3),
    MEDIA_OPS_PORT: String(base + 4),
    HOOK_HTTP_PORT: String(base + 5),
    CALL_ROUTER_OPS_PORT: String(base + 6),
    WEBPORT: String(base + 7),
    HOOKS_PORT: String(base + 8),
    RTPENGINE_PORT: String(base + 9),
    RTP_PORT_MIN: String(base + 20),
    RTP_PORT_MAX: String(base + 49),
  };
}

/** What one `scripts/stack.sh` command did. */
export interface Run {
  code: number | null;
  out: string;
  err: string;
  ms: number;
}

/** The pids a stack's state directory records. */
export function pidsIn(state: string): number[] {
  return readdirSync(state)
    .filter((f) => f.endsWith('.pid'))
    .map((f) => Number(readFileSync(join(state, f), 'utf8')));
}

export function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs `scripts/stack.sh <command>`; `live` sees the output as it comes. */
export function stack(command: string, env: Record<string, string>, live?: Run): Promise<Run> {
  const t0 = Date.now();
  const opts: SpawnOptions = { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] };
  const child = spawn('bash', ['scripts/stack.sh', command], opts);
  const run: Run = live ?? { code: null, out: '', err: '', ms: 0 };
  child.stdout?.on('data', (d: Buffer) => {
    run.out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    run.err += d.toString();
  });
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      run.code = code;
      run.ms = Date.now() - t0;
      resolve(run);
    }),
  );
}

/**
 * Environments for test stacks sharing one random tag, and their clean-up:
 * `cleanup()` stops any stack a failed assertion left behind, removes the state
 * directories and the tag's Redis keys.
 */
export function stackEnvs() {
  const tag = randomBytes(4).toString('hex');
  const stateDirs: string[] = [];
  return {
    tag,
    env(base: number, extra: Record<string, string> = {}): Record<string, string> {
      const state = mkdtempSync(join(tmpdir(), 'stack-state-'));
      stateDirs.push(state);
      return {
        ...portsEnv(base),
        // These stacks are the embedded-server stack, whatever SIP_SERVER the test run has.
        SIP_SERVER: 'embedded',
        DRAGON_STATE_DIR: state,
        STACK_READY_TIMEOUT: String(READY_TIMEOUT_S),
        REDIS_KEY_PREFIX: `e2e-${tag}:`,
        NATS_SUBJECT_PREFIX: `e2e${tag}`,
        HOOK_SUBJECT_PREFIX: `e2e${tag}`,
        HOOK_STREAM: `E2E_${tag}`,
        HOOK_KEY_PREFIX: `e2e-${tag}-hooks`,
        ...extra,
      };
    },
    async cleanup(): Promise<void> {
      for (const state of stateDirs) {
        if (pidsIn(state).some(running)) await stack('down', { DRAGON_STATE_DIR: state });
        rmSync(state, { recursive: true, force: true });
      }
      const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
      const keys = await redis.keys(`e2e-${tag}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    },
  };
}

/** One REGISTER without credentials; resolves to the status code of the answer, 0 for none. */
export function register(sipPort: number): Promise<number> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const done = (status: number) => {
      clearTimeout(timer);
      s.close();
      resolve(status);
    };
    const timer = setTimeout(() => done(0), 2_000);
    s.on('message', (m) => done(Number(m.toString().split(' ', 2)[1])));
    s.bind(0, '127.0.0.1', () => {
      const lp = s.address().port;
      const id = randomBytes(6).toString('hex');
      const msg = [
        `REGISTER sip:127.0.0.1:${sipPort} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${lp};branch=z9hG4bK${id}`,
        'Max-Forwards: 70',
        `From: <sip:1000@127.0.0.1>;tag=${id}`,
        'To: <sip:1000@127.0.0.1>',
        `Call-ID: ${id}@127.0.0.1`,
        'CSeq: 1 REGISTER',
        `Contact: <sip:1000@127.0.0.1:${lp}>`,
        'Expires: 60',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      s.send(msg, sipPort, '127.0.0.1');
    });
  });
}
