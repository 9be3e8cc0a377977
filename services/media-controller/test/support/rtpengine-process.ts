import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';

/** Options of {@link startRtpEngine}; ports must lie in this package's test range (26000-26999). */
export interface RtpEngineProcessOptions {
  readonly ngPort: number;
  readonly portMin: number;
  readonly portMax: number;
  /** Its media addresses (`--interface`, e.g. `::1` for IPv6). @defaultValue ['127.0.0.1'] */
  readonly interfaces?: readonly string[];
}

/** An rtpengine this test started; only this handle ever stops it. */
export interface RtpEngineProcess {
  readonly ngPort: number;
  readonly pid: number;
  /** Stops the process (SIGTERM, then SIGKILL) and waits for it to exit. */
  stop(): Promise<void>;
  log(): string;
}

/** Starts a userspace rtpengine and waits until it answers an ng ping. */
export async function startRtpEngine(o: RtpEngineProcessOptions): Promise<RtpEngineProcess> {
  const child: ChildProcess = spawn(
    'rtpengine',
    [
      // Skip /etc/rtpengine/rtpengine.conf: its CLI/HTTP ports are taken by the shared engine.
      '--config-file=none',
      ...(o.interfaces ?? ['127.0.0.1']).map((i) => `--interface=${i}`),
      `--listen-ng=127.0.0.1:${o.ngPort}`,
      `--port-min=${o.portMin}`,
      `--port-max=${o.portMax}`,
      '--table=-1',
      '--foreground',
      '--log-stderr',
      '--log-level=5',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-20_000);
  });
  // Never leave an engine behind, even when the test process ends abruptly.
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      process.removeListener('exit', reap);
      resolve();
    }),
  );
  const handle: RtpEngineProcess = {
    ngPort: o.ngPort,
    pid: child.pid ?? -1,
    log: () => log,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + 10_000;
  while (!(await pingOnce(o.ngPort))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await handle.stop();
      throw new Error(`rtpengine on ng ${o.ngPort} did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return handle;
}

/** A raw ng ping (bencoded `d7:command4:pinge`), so the helper does not depend on the code under test. */
function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const done = (ok: boolean) => {
      clearTimeout(timer);
      s.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 300);
    s.on('message', (m) => done(m.toString().includes('pong')));
    s.on('error', () => done(false));
    s.send(Buffer.from('probe1 d7:command4:pinge'), port, '127.0.0.1');
  });
}
