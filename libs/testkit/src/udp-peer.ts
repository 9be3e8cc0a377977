/** A raw UDP peer (no SIP stack) for driving a SIP stack in tests: sends bytes, records datagrams. */
import { type Socket, createSocket } from 'node:dgram';

export interface Datagram {
  data: string;
  address: string;
  port: number;
  at: number;
}

export class UdpPeer {
  readonly socket: Socket;
  readonly received: Datagram[] = [];
  #waiters: Array<() => void> = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('message', (buf, rinfo) => {
      this.received.push({ data: buf.toString('utf8'), address: rinfo.address, port: rinfo.port, at: Date.now() });
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  static async open(host = '127.0.0.1'): Promise<UdpPeer> {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((r) => socket.bind(0, host, () => r()));
    return new UdpPeer(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(data: string | Buffer, port: number, host = '127.0.0.1'): Promise<void> {
    return new Promise((resolve, reject) => this.socket.send(data, port, host, (err) => (err ? reject(err) : resolve())));
  }

  /** Waits until `pred` matches `count` datagrams (rejects after `ms`). */
  async waitFor(pred: (d: Datagram) => boolean, count = 1, ms = 3000): Promise<Datagram[]> {
    const deadline = Date.now() + ms;
    for (;;) {
      const hits = this.received.filter(pred);
      if (hits.length >= count) return hits;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timeout waiting for ${count} datagrams; got ${hits.length}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  close(): Promise<void> {
    return new Promise((r) => this.socket.close(() => r()));
  }
}
