/**
 * A well-behaved phone for the abuse suite: sends REGISTERs over UDP or TCP
 * and reports the status and how long each took to be answered.
 */
import { type Socket as UdpSocket, createSocket } from 'node:dgram';
import { type Socket, connect } from 'node:net';

/** One REGISTER's outcome; `status` undefined when unanswered within the timeout. */
export interface RegisterOutcome {
  status: number | undefined;
  ms: number;
}

let seq = 0;

function register(transport: 'UDP' | 'TCP', localPort: number, target: string, callId: string): Buffer {
  const n = ++seq;
  return Buffer.from(
    [
      `REGISTER sip:${target} SIP/2.0`,
      `Via: SIP/2.0/${transport} 127.0.0.1:${localPort};branch=z9hG4bKlegit${process.pid}x${n};rport`,
      'Max-Forwards: 70',
      `From: <sip:phone@edge.test>;tag=legit${n}`,
      'To: <sip:phone@edge.test>',
      `Call-ID: ${callId}`,
      `CSeq: ${n} REGISTER`,
      `Contact: <sip:phone@127.0.0.1:${localPort}>`,
      'Expires: 60',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
}

/** A phone with one UDP socket and one TCP connection to the server. */
export class LegitPhone {
  readonly #waiting = new Map<string, (status: number) => void>();
  #tcpText = '';

  private constructor(
    readonly host: string,
    readonly udpPort: number,
    readonly udp: UdpSocket,
    readonly tcp: Socket,
  ) {
    udp.on('message', (buf) => this.#onText(buf.toString('latin1')));
    tcp.on('data', (buf) => {
      this.#tcpText += buf.toString('latin1');
      let end = this.#tcpText.indexOf('\r\n\r\n');
      while (end >= 0) {
        this.#onText(this.#tcpText.slice(0, end));
        this.#tcpText = this.#tcpText.slice(end + 4);
        end = this.#tcpText.indexOf('\r\n\r\n');
      }
    });
    tcp.on('error', () => {});
  }

  static async open(host: string, udpPort: number, tcpPort: number): Promise<LegitPhone> {
    const udp = createSocket('udp4');
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
    const tcp = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host, port: tcpPort }, () => resolve(s));
      s.once('error', reject);
    });
    return new LegitPhone(host, udpPort, udp, tcp);
  }

  #onText(text: string): void {
    const status = /^SIP\/2\.0 (\d{3})/.exec(text);
    const callId = /^Call-ID:[ \t]*(\S+)/im.exec(text);
    if (!status || !callId || Number(status[1]) < 200) return;
    this.#waiting.get(callId[1] as string)?.(Number(status[1]));
  }

  /** Sends one REGISTER and waits for its final response. */
  register(transport: 'UDP' | 'TCP', timeoutMs = 2000): Promise<RegisterOutcome> {
    const callId = `legit-${process.pid}-${++seq}@edge.test`;
    const t0 = performance.now();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(callId);
        resolve({ status: undefined, ms: performance.now() - t0 });
      }, timeoutMs);
      this.#waiting.set(callId, (status) => {
        clearTimeout(timer);
        this.#waiting.delete(callId);
        resolve({ status, ms: performance.now() - t0 });
      });
      if (transport === 'UDP') {
        this.udp.send(register('UDP', this.udp.address().port, this.host, callId), this.udpPort, this.host);
      } else {
        this.tcp.write(register('TCP', this.tcp.localPort ?? 0, this.host, callId));
      }
    });
  }

  close(): void {
    this.udp.close();
    this.tcp.destroy();
  }
}
