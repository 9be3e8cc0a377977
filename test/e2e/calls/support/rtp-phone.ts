import { type Socket, createSocket } from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import { until } from '@dragonpbx/testkit';

/** One RTP packet a phone received (RFC 3550 §5.1) and where it came from. */
export interface ReceivedRtp {
  readonly payloadType: number;
  readonly payload: Buffer;
  readonly from: { readonly address: string; readonly port: number };
}

/** The media address, port and first payload type of an SDP, as a SIPp scenario wrote them to a file. */
export interface MediaTarget {
  readonly address: string;
  readonly port: number;
  readonly payloadType: number;
}

/** Waits for the file a SIPp scenario's `exec` writes (`<address> <port> <pt>`) and reads it. */
export async function mediaTargetFrom(file: string, ms = 8000): Promise<MediaTarget> {
  await until(() => existsSync(file) && readFileSync(file, 'utf8').trim().split(/\s+/).length === 3, ms, `SDP media line in ${file}`);
  const [address, port, pt] = readFileSync(file, 'utf8').trim().split(/\s+/);
  return { address: address!, port: Number(port), payloadType: Number(pt) };
}

/**
 * A phone's RTP socket on 127.0.0.1 (ephemeral port, named in the SIPp phone's SDP): sends
 * 20 ms packets (RFC 3551 §4.5 default ptime) from the port it receives on, as symmetric RTP
 * (RFC 4961) phones do, and records every packet with its source.
 */
export class RtpPhone {
  readonly received: ReceivedRtp[] = [];
  readonly #socket: Socket;
  readonly port: number;
  readonly #ssrc = Math.floor(Math.random() * 0xffffffff);
  #seq = Math.floor(Math.random() * 0xffff);
  #ts = Math.floor(Math.random() * 0xffffffff);
  #timer: NodeJS.Timeout | undefined;

  private constructor(socket: Socket) {
    this.#socket = socket;
    this.port = socket.address().port;
    socket.on('message', (msg, rinfo) => {
      if (msg.length < 12 || msg[0]! >> 6 !== 2) return;
      const second = msg[1]!;
      if (second >= 192 && second <= 223) return; // RTCP (RFC 5761 §4)
      const start = 12 + (msg[0]! & 0x0f) * 4;
      this.received.push({ payloadType: second & 0x7f, payload: msg.subarray(start), from: { address: rinfo.address, port: rinfo.port } });
    });
  }

  /** Binds `port` on 127.0.0.1 (0: an ephemeral port). */
  static async open(port = 0): Promise<RtpPhone> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, '127.0.0.1', () => resolve());
    });
    return new RtpPhone(socket);
  }

  /** Sends a packet of `payloadType` every 20 ms to `to` until {@link stop}. */
  start(to: MediaTarget, payloadType: number, payload: Buffer): void {
    this.stop();
    this.#timer = setInterval(() => {
      const header = Buffer.alloc(12);
      header[0] = 0x80;
      header[1] = payloadType & 0x7f;
      header.writeUInt16BE(this.#seq, 2);
      header.writeUInt32BE(this.#ts >>> 0, 4);
      header.writeUInt32BE(this.#ssrc >>> 0, 8);
      this.#seq = (this.#seq + 1) & 0xffff;
      this.#ts = (this.#ts + 160) >>> 0;
      this.#socket.send(Buffer.concat([header, payload]), to.port, to.address);
    }, 20);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  close(): void {
    this.stop();
    this.#socket.close();
  }
}
