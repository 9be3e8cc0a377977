// scripts/apt-install.sh keeps packages from starting their daemons with a policy-rc.d file and
// must leave the machine's policy file as it found it: absent stays absent (also when apt-get
// fails or the script is interrupted), present stays byte-identical. The policy file is moved
// to a temporary path (POLICY_RC_D) and apt-get is a stand-in first on PATH that records what
// policy it ran under, so nothing is installed and the real /usr/sbin/policy-rc.d is not read.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../scripts/apt-install.sh', import.meta.url));

let dir: string;
let policy: string;
let seen: string;

/** apt-get stand-in: records the policy in force, then sleeps or exits as told. */
const FAKE_APT = `#!/bin/sh
if [ -f "$POLICY_RC_D" ]; then cat "$POLICY_RC_D" >"$FAKE_APT_SEEN"; else echo absent >"$FAKE_APT_SEEN"; fi
[ -n "$FAKE_APT_SLEEP" ] && exec sleep "$FAKE_APT_SLEEP"
exit "\${FAKE_APT_EXIT:-0}"
`;

function run(env: Record<string, string>, opts: { detached?: boolean } = {}): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; stderr: string }> } {
  const child = spawn('bash', [SCRIPT, 'redis-server', 'sip-tester'], {
    env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}`, POLICY_RC_D: policy, FAKE_APT_SEEN: seen, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: opts.detached ?? false,
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, done };
}

async function untilAptRuns(): Promise<void> {
  const end = Date.now() + 10_000;
  while (!existsSync(seen)) {
    if (Date.now() > end) throw new Error('apt-get stand-in never ran');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('scripts/apt-install.sh and policy-rc.d', () => {
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'apt-install-'));
    policy = join(dir, 'policy-rc.d');
    seen = join(dir, 'seen');
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'apt-get'), FAKE_APT);
    chmodSync(join(bin, 'apt-get'), 0o755);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('absent before: apt-get runs under a policy refusing every start (101), absent after', async () => {
    const { done } = run({});
    expect((await done).code).toBe(0);
    expect(readFileSync(seen, 'utf8')).toMatch(/\nexit 101\n$/);
    expect(existsSync(policy)).toBe(false);
  });

  it('absent before and apt-get fails: absent after, apt-get exit status passed on', async () => {
    const { done } = run({ FAKE_APT_EXIT: '100' });
    expect((await done).code).toBe(100);
    expect(readFileSync(seen, 'utf8')).toMatch(/exit 101/);
    expect(existsSync(policy)).toBe(false);
  });

  it('present before: left byte-identical, and it is the policy apt-get runs under', async () => {
    const mine = '#!/bin/sh\n# the admin\'s own policy\nexit 0\n';
    writeFileSync(policy, mine, { mode: 0o750 });
    const { done } = run({});
    const r = await done;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('keeping the existing');
    expect(readFileSync(seen, 'utf8')).toBe(mine);
    expect(readFileSync(policy, 'utf8')).toBe(mine);
  });

  it('interrupted by SIGTERM while apt-get runs: stops at once, policy file removed', async () => {
    const { child, done } = run({ FAKE_APT_SLEEP: '30' });
    await untilAptRuns();
    expect(existsSync(policy)).toBe(true);
    const t0 = Date.now();
    child.kill('SIGTERM');
    const r = await done;
    expect(r.code).toBe(143);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(existsSync(policy)).toBe(false);
  });

  it('interrupted by Ctrl-C (SIGINT to the whole process group): policy file removed', async () => {
    const { child, done } = run({ FAKE_APT_SLEEP: '30' }, { detached: true });
    await untilAptRuns();
    const t0 = Date.now();
    process.kill(-(child.pid as number), 'SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(existsSync(policy)).toBe(false);
  });
});
