// A real softphone for the interop tests: baresip (Debian's baresip-core) with a tone file
// as its microphone, every call's received audio dumped to a WAV file (sndfile module), and
// its TCP control interface (ctrl_tcp: netstring-framed JSON) to dial, answer and hang up.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { type Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One phone's settings. */
export interface BaresipOptions {
  /** Extension and password it registers with, in `domain`. */
  readonly user: string;
  readonly password: string;
  readonly domain: string;
  /** The PBX's SIP address all requests go to, e.g. `sip:127.0.0.1:5060;transport=tcp`. */
  readonly proxy: string;
  /** Local SIP address (`127.0.0.1:29801`, `[::1]:29801`); baresip also takes port+1 for TLS. */
  readonly listen: string;
  /** Port of the control interface (127.0.0.1). */
  readonly controlPort: number;
  /** The microphone: a sine of this frequency. */
  readonly toneHz: number;
  /** Codecs it offers and accepts, baresip names (`PCMU`, `PCMA`, `G722`). @defaultValue ['PCMU'] */
  readonly codecs?: readonly string[];
}

/** An event or response from the control interface. */
export interface BaresipMessage {
  readonly event?: boolean;
  readonly response?: boolean;
  readonly type?: string;
  readonly ok?: boolean;
  readonly data?: string;
  readonly token?: string;
  readonly param?: string;
  readonly peeruri?: string;
  readonly [key: string]: unknown;
}

const MODULES = ['g711.so', 'g722.so', 'aufile.so', 'aubridge.so', 'sndfile.so'];

export class BaresipPhone {
  readonly options: BaresipOptions;
  readonly dir: string;
  readonly messages: BaresipMessage[] = [];
  output = '';
  #proc: ChildProcess | undefined;
  #ctrl: Socket | undefined;
  #buffer = Buffer.alloc(0);
  #token = 0;
  readonly #waiters = new Set<() => void>();

  private constructor(options: BaresipOptions) {
    this.options = options;
    this.dir = mkdtempSync(join(tmpdir(), `baresip-${options.user}-`));
  }

  /** Starts baresip, connects to its control interface and waits for its registration. */
  static async start(options: BaresipOptions, registerTimeoutMs = 15_000): Promise<BaresipPhone> {
    const phone = new BaresipPhone(options);
    await phone.#launch();
    // The account is created once the control connection is up, so its registration's
    // events (REGISTER_OK / REGISTER_FAIL) are seen.
    const codecs = (options.codecs ?? ['PCMU']).join(',');
    await phone.command('uanew', `<sip:${options.user}@${options.domain}>;auth_pass=${options.password};outbound="${options.proxy}";regint=300;audio_codecs=${codecs}`);
    await phone.waitFor((m) => m.type === 'REGISTER_OK' || m.type === 'REGISTER_FAIL', registerTimeoutMs, 'registration').catch((err: Error) => {
      throw new Error(`${err.message}\n${phone.output.slice(-3000)}`);
    });
    const fail = phone.messages.find((m) => m.type === 'REGISTER_FAIL');
    if (fail) throw new Error(`${options.user} could not register: ${String(fail.param)}\n${phone.output.slice(-2000)}`);
    return phone;
  }

  async #launch(): Promise<void> {
    const o = this.options;
    const tone = join(this.dir, 'tone.wav');
    // 30 s of the tone at -6 dBFS: longer than any test call (aufile stops at the end of the file).
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', tone, 'synth', '30', 'sine', String(o.toneHz), 'vol', '0.5']);
    mkdirSync(join(this.dir, 'recordings'));
    const config = [
      'poll_method epoll',
      `sip_listen ${o.listen}`,
      `audio_source aufile,${tone}`,
      // A player that plays nowhere: the received audio is what sndfile dumps.
      `audio_player aubridge,speaker-${o.user}`,
      `audio_alert aubridge,speaker-${o.user}`,
      'module_path /usr/lib/baresip/modules',
      ...MODULES.map((m) => `module ${m}`),
      'module_app account.so',
      'module_app menu.so',
      'module_app ctrl_tcp.so',
      `ctrl_tcp_listen 127.0.0.1:${o.controlPort}`,
      `snd_path ${join(this.dir, 'recordings')}`,
      '',
    ].join('\n');
    writeFileSync(join(this.dir, 'config'), config);
    writeFileSync(join(this.dir, 'accounts'), '');
    // stdbuf: baresip's log is block-buffered on a pipe; line by line, it is there when a test fails.
    const proc = spawn('stdbuf', ['-oL', '-eL', 'baresip', '-f', this.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#proc = proc;
    const collect = (d: Buffer) => {
      this.output += d.toString();
      if (this.output.length > 200_000) this.output = this.output.slice(-100_000);
    };
    proc.stdout?.on('data', collect);
    proc.stderr?.on('data', collect);
    const end = Date.now() + 10_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`baresip exited (${proc.exitCode}):\n${this.output.slice(-2000)}`);
      try {
        this.#ctrl = await new Promise<Socket>((resolve, reject) => {
          const s = connect(o.controlPort, '127.0.0.1', () => resolve(s));
          s.once('error', reject);
        });
        break;
      } catch (err) {
        if (Date.now() > end) throw new Error(`baresip control port ${o.controlPort} not reachable: ${String(err)}\n${this.output.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    this.#ctrl.on('data', (d: Buffer) => this.#onData(d));
  }

  /** Netstrings: `<length>:<json>,`. */
  #onData(d: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, d]);
    for (;;) {
      const colon = this.#buffer.indexOf(0x3a);
      if (colon < 0) return;
      const len = Number(this.#buffer.subarray(0, colon).toString());
      if (this.#buffer.length < colon + 1 + len + 1) return;
      const json = this.#buffer.subarray(colon + 1, colon + 1 + len).toString();
      this.#buffer = this.#buffer.subarray(colon + 1 + len + 1);
      try {
        this.messages.push(JSON.parse(json) as BaresipMessage);
      } catch {
        this.messages.push({ type: 'UNPARSEABLE', data: json });
      }
      for (const w of this.#waiters) w();
    }
  }

  /** Resolves with the first message (already received or coming) matching `pred`. */
  waitFor(pred: (m: BaresipMessage) => boolean, timeoutMs = 10_000, what = 'message', from = 0): Promise<BaresipMessage> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this.messages.slice(from).find(pred);
        if (!m) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(m);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        const seen = this.messages.map((m) => m.type ?? (m.response ? 'response' : '?')).join(', ');
        reject(new Error(`${this.options.user}: no ${what} within ${timeoutMs} ms (saw: ${seen})`));
      }, timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }

  /** Waits for a call event of `type` after message number `from`. */
  event(type: string, from = 0, timeoutMs = 15_000): Promise<BaresipMessage> {
    return this.waitFor((m) => m.event === true && m.type === type, timeoutMs, type, from);
  }

  /** Sends one control command; resolves with its response. */
  async command(command: string, params = ''): Promise<BaresipMessage> {
    const token = `t${++this.#token}`;
    const json = JSON.stringify({ command, params, token });
    this.#ctrl?.write(`${Buffer.byteLength(json)}:${json},`);
    const res = await this.waitFor((m) => m.response === true && m.token === token, 5000, `response to ${command}`);
    if (res.ok !== true) throw new Error(`${this.options.user}: ${command} ${params} failed: ${String(res.data)}`);
    return res;
  }

  dial(uri: string): Promise<BaresipMessage> {
    return this.command('dial', uri);
  }

  accept(): Promise<BaresipMessage> {
    return this.command('accept');
  }

  hangup(): Promise<BaresipMessage> {
    return this.command('hangup');
  }

  /** Every recording of received audio (sndfile's `*-dec.wav`), oldest first. */
  recordings(): string[] {
    const dir = join(this.dir, 'recordings');
    return readdirSync(dir)
      .filter((f) => f.endsWith('-dec.wav'))
      .map((f) => join(dir, f))
      .sort((a, b) => statSync(a).birthtimeMs - statSync(b).birthtimeMs || a.localeCompare(b));
  }

  /**
   * What the phone received since `mark` (a {@link recordings} count taken before the call),
   * oldest first: a restarted audio stream starts a new file. sndfile completes a file only
   * when it closes it, so call this after {@link stop}.
   */
  recordingsSince(mark: number): string[] {
    const files = this.recordings().slice(mark);
    if (files.length === 0) throw new Error(`${this.options.user} recorded nothing`);
    return files;
  }

  /** Stops baresip (unregistering; its recordings are complete from then on). */
  async stop(): Promise<void> {
    this.#ctrl?.destroy();
    const proc = this.#proc;
    if (proc && proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
  }

  /** Stops baresip if it runs and removes its files. */
  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
