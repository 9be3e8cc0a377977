// A second, independent softphone for the interop tests: linphonec (Debian's linphone-cli) in
// file mode (`soundcard use files`): a tone file is what it sends (`play`), and what it receives
// is written to a WAV file (`record`). It is driven through its standard input, one command a
// line, and its state is read from what it prints ("Registration on … successful.", "Call 1 with
// … connected.", …).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LinphoneOptions {
  /** Extension and password it registers with, in `domain`. */
  readonly user: string;
  readonly password: string;
  readonly domain: string;
  /** The PBX's SIP address, e.g. `sip:127.0.0.1:5060` (`;transport=tcp` for TCP). */
  readonly proxy: string;
  /** Local SIP port (UDP and, for a `;transport=tcp` proxy, TCP). */
  readonly sipPort: number;
  /** First of four ports: audio RTP and RTCP, then the (unused) video and text RTP ports. */
  readonly rtpPort: number;
  /** The microphone: a sine of this frequency. */
  readonly toneHz: number;
  /** The only codecs it offers and accepts, linphone's names (`PCMU`, `PCMA`, `G722`). @defaultValue ['PCMU'] */
  readonly codecs?: readonly string[];
  /** Use IPv6 (`ipv6 enable`). @defaultValue false */
  readonly ipv6?: boolean;
}

export class LinphonePhone {
  readonly options: LinphoneOptions;
  readonly dir: string;
  /** Where the received audio of the current or last call is written. */
  readonly recording: string;
  output = '';
  #proc: ChildProcess | undefined;
  readonly #waiters = new Set<() => void>();

  private constructor(options: LinphoneOptions) {
    this.options = options;
    this.dir = mkdtempSync(join(tmpdir(), `linphone-${options.user}-`));
    this.recording = join(this.dir, 'received.wav');
  }

  /** Starts linphonec, restricts its codecs, switches it to files and registers. */
  static async start(options: LinphoneOptions, registerTimeoutMs = 15_000): Promise<LinphonePhone> {
    const phone = new LinphonePhone(options);
    try {
      await phone.#launch();
      await phone.#restrictCodecs(options.codecs ?? ['PCMU']);
      const tone = join(phone.dir, 'tone.wav');
      // 30 s at -6 dBFS: longer than any test call.
      execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', tone, 'synth', '30', 'sine', String(options.toneHz), 'vol', '0.5']);
      phone.send('soundcard use files');
      phone.send(`play ${tone}`);
      phone.send(`record ${phone.recording}`);
      await phone.#registered(registerTimeoutMs);
    } catch (err) {
      await phone.remove();
      throw new Error(`${(err as Error).message}\n${phone.output.slice(-3000)}`);
    }
    return phone;
  }

  async #launch(): Promise<void> {
    const o = this.options;
    const rc = [
      '[sip]',
      // 0: no listener of that transport.
      `sip_port=${o.sipPort}`,
      `sip_tcp_port=${o.proxy.includes('transport=tcp') ? o.sipPort : 0}`,
      'sip_tls_port=0',
      // `status register` reports the default account's registration.
      'default_proxy=0',
      `use_ipv6=${o.ipv6 ? 1 : 0}`,
      '[rtp]',
      `audio_rtp_port=${o.rtpPort}`,
      `video_rtp_port=${o.rtpPort + 2}`,
      `text_rtp_port=${o.rtpPort + 3}`,
      'audio_adaptive_jitt_comp_enabled=1',
      '[sound]',
      'echocancellation=0',
      // The account: registered through the PBX, and every request routed to it (linphonec's
      // `register` command sets no route, and a call to sip:<ext>@<domain> then goes to the
      // domain's DNS address).
      '[proxy_0]',
      `reg_proxy=<${o.proxy}>`,
      `reg_route=<${o.proxy};lr>`,
      `reg_identity=<sip:${o.user}@${o.domain}>`,
      'reg_expires=300',
      'reg_sendregister=1',
      'publish=0',
      '[auth_info_0]',
      `username=${o.user}`,
      `passwd=${o.password}`,
      `realm=${o.domain}`,
      `domain=${o.domain}`,
      '[video]',
      'enabled=0',
      'capture=0',
      'display=0',
      '',
    ].join('\n');
    writeFileSync(join(this.dir, 'linphonerc'), rc);
    // Without its database directory linphonec stops half-way through starting its core: it then
    // answers commands but never opens its SIP ports.
    mkdirSync(join(this.dir, '.local/share/linphone'), { recursive: true });
    // HOME: linphonec keeps its database and call logs there. stdbuf: its messages line by line.
    const proc = spawn('stdbuf', ['-oL', '-eL', 'linphonec', '-c', join(this.dir, 'linphonerc')], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, HOME: this.dir },
    });
    this.#proc = proc;
    const collect = (d: Buffer) => {
      this.output += d.toString();
      if (this.output.length > 400_000) this.output = this.output.slice(-200_000);
      for (const w of this.#waiters) w();
    };
    proc.stdout?.on('data', collect);
    proc.stderr?.on('data', collect);
    proc.once('exit', (code) => {
      this.output += `\n[linphonec exited ${code}]\n`;
      for (const w of this.#waiters) w();
    });
    await this.waitFor(/linphonec>/, 10_000, 'the prompt');
  }

  /** linphonec prints nothing when a registration succeeds: `status register` is asked until it says so. */
  async #registered(timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const mark = this.output.length;
      this.send('status register');
      await new Promise((r) => setTimeout(r, 300));
      const answer = this.output.slice(mark);
      if (/^registered,/m.test(answer)) return;
      if (Date.now() > end) throw new Error(`${this.options.user} (linphonec) not registered within ${timeoutMs} ms; last status: ${answer.trim()}`);
    }
  }

  /** Disables every codec but `codecs` (`codec list` prints `<index>: <name> (<rate>) enabled|disabled`). */
  async #restrictCodecs(codecs: readonly string[]): Promise<void> {
    const mark = this.output.length;
    this.send('codec list');
    await this.waitFor(/PCMU.*\n/, 5000, 'the codec list', mark);
    await new Promise((r) => setTimeout(r, 200));
    const list = [...this.output.slice(mark).matchAll(/^\s*(\d+): (\S+)\s+\((\d+)\)\s+(enabled|disabled)/gm)];
    if (list.length === 0) throw new Error(`${this.options.user}: no codec list in\n${this.output.slice(mark)}`);
    for (const [, index, name] of list) this.send(`codec ${codecs.includes(name!) ? 'enable' : 'disable'} ${index}`);
  }

  /** Writes one command to linphonec. */
  send(command: string): void {
    this.#proc?.stdin?.write(`${command}\n`);
  }

  /** Resolves when the output after `from` matches `re`. */
  waitFor(re: RegExp, timeoutMs = 10_000, what = String(re), from = 0): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!re.test(this.output.slice(from))) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`${this.options.user} (linphonec): no ${what} within ${timeoutMs} ms; its output:\n${this.output.slice(-3000)}`));
      }, timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }

  /** A mark for {@link waitFor}: what comes after now. */
  mark(): number {
    return this.output.length;
  }

  dial(uri: string): void {
    this.send(`call ${uri}`);
  }

  answer(): void {
    this.send('answer');
  }

  hangup(): void {
    this.send('terminate');
  }

  /** The received audio of the last call (complete once the call ended). */
  received(): string {
    if (!existsSync(this.recording)) throw new Error(`${this.options.user} (linphonec) recorded nothing`);
    return this.recording;
  }

  /** Quits linphonec (unregistering). */
  async stop(): Promise<void> {
    const proc = this.#proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    this.send('quit');
    const term = setTimeout(() => proc.kill('SIGTERM'), 3000);
    const kill = setTimeout(() => proc.kill('SIGKILL'), 6000);
    await exited;
    clearTimeout(term);
    clearTimeout(kill);
  }

  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
