import { type Socket, createSocket } from 'node:dgram';

/** One received RTP packet (RFC 3550 §5.1), header fields we assert on. */
export interface RtpPacket {
  readonly payloadType: number;
  readonly marker: boolean;
  readonly seq: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly payload: Buffer;
}

/** Parses an RTP packet; undefined for RTCP (PT 72-76 after masking the marker) or junk. */
export function parseRtp(buf: Buffer): RtpPacket | undefined {
  if (buf.length < 12 || buf[0]! >> 6 !== 2) return undefined;
  const second = buf[1]!;
  if (second >= 192 && second <= 223) return undefined; // RTCP (RFC 5761 §4)
  const cc = buf[0]! & 0x0f;
  const start = 12 + cc * 4;
  return {
    payloadType: second & 0x7f,
    marker: (second & 0x80) !== 0,
    seq: buf.readUInt16BE(2),
    timestamp: buf.readUInt32BE(4),
    ssrc: buf.readUInt32BE(8),
    payload: buf.subarray(start),
  };
}

/** A test phone's RTP socket on 127.0.0.1 (ephemeral port) that records what it receives. */
export class RtpEndpoint {
  readonly received: RtpPacket[] = [];
  readonly #socket: Socket;
  readonly port: number;
  readonly #ssrc = Math.floor(Math.random() * 0xffffffff);
  #seq = Math.floor(Math.random() * 0xffff);
  #ts = Math.floor(Math.random() * 0xffffffff);
  #sending: NodeJS.Timeout | undefined;

  private constructor(socket: Socket, port: number) {
    this.#socket = socket;
    this.port = port;
    socket.on('message', (msg) => {
      const p = parseRtp(msg);
      if (p) this.received.push(p);
    });
  }

  static async open(): Promise<RtpEndpoint> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => resolve());
    });
    return new RtpEndpoint(socket, socket.address().port);
  }

  /** Packets received with one payload type. */
  ofType(pt: number): RtpPacket[] {
    return this.received.filter((p) => p.payloadType === pt);
  }

  /** Sends one 20 ms packet. */
  sendOne(toPort: number, payloadType: number, payload: Buffer): void {
    const header = Buffer.alloc(12);
    header[0] = 0x80;
    header[1] = payloadType & 0x7f;
    header.writeUInt16BE(this.#seq, 2);
    header.writeUInt32BE(this.#ts >>> 0, 4);
    header.writeUInt32BE(this.#ssrc >>> 0, 8);
    this.#seq = (this.#seq + 1) & 0xffff;
    this.#ts = (this.#ts + 160) >>> 0;
    this.#socket.send(Buffer.concat([header, payload]), toPort, '127.0.0.1');
  }

  /** Sends `count` packets paced every 20 ms (RFC 3551 §4.5 default ptime); resolves when done. */
  send(toPort: number, payloadType: number, count: number, payload: (i: number) => Buffer): Promise<void> {
    return new Promise((resolve) => {
      let i = 0;
      const timer = setInterval(() => {
        this.sendOne(toPort, payloadType, payload(i));
        i += 1;
        if (i >= count) {
          clearInterval(timer);
          resolve();
        }
      }, 20);
    });
  }

  /** Keeps sending until {@link stopSending} (keeps an SSRC alive for DTMF injection). */
  startSending(toPort: number, payloadType: number, payload: () => Buffer): void {
    this.stopSending();
    this.#sending = setInterval(() => this.sendOne(toPort, payloadType, payload()), 20);
  }

  stopSending(): void {
    clearInterval(this.#sending);
    this.#sending = undefined;
  }

  close(): void {
    this.stopSending();
    this.#socket.close();
  }
}
