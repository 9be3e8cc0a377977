import { randomBytes } from 'node:crypto';
import { type Socket, createSocket } from 'node:dgram';
import { answerChallenge } from '@dragonpbx/shared/sip';
import { type SipReply, parseReply } from './sip-reply.js';

/** One REGISTER as the test builds it. */
export interface RegisterSpec {
  readonly domain: string;
  readonly user: string;
  /** Contact value(s); `null` sends none (a query); `'*'` the wildcard. @defaultValue `<sip:user@127.0.0.1:port>` */
  readonly contact?: string | null;
  readonly expires?: number | string;
  readonly authorization?: string;
  readonly callId?: string;
  readonly cseq?: number;
  readonly userAgent?: string;
  readonly toUser?: string;
  /** Further header lines, e.g. `Require: foo`. */
  readonly extraHeaders?: readonly string[];
}

/**
 * A minimal UDP user agent that sends hand-built REGISTERs, so a test can
 * control every header (replays, stale nonces, malformed values).
 */
export class RegisterUa {
  readonly #socket: Socket;
  readonly port: number;
  readonly #target: number;
  #waiters = new Map<string, (r: SipReply) => void>();
  #cseq = 1;

  private constructor(socket: Socket, port: number, target: number) {
    this.#socket = socket;
    this.port = port;
    this.#target = target;
    socket.on('message', (buf) => {
      const text = buf.toString('utf8');
      if (!text.startsWith('SIP/2.0')) return;
      const reply = parseReply(text);
      if (reply.status < 200) return;
      const branch = /branch=([^;\s,]+)/.exec(reply.get('via') ?? '')?.[1];
      const w = branch ? this.#waiters.get(branch) : undefined;
      if (w && branch) {
        this.#waiters.delete(branch);
        w(reply);
      }
    });
  }

  /** Binds an ephemeral UDP port on 127.0.0.1 that talks to `targetPort`. */
  static async open(targetPort: number): Promise<RegisterUa> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new RegisterUa(socket, socket.address().port, targetPort);
  }

  /** Sends a REGISTER; resolves with the final response, or `undefined` after `timeoutMs` of silence. */
  register(spec: RegisterSpec, timeoutMs = 3000): Promise<SipReply | undefined> {
    const branch = `z9hG4bK${randomBytes(8).toString('hex')}`;
    const callId = spec.callId ?? `${randomBytes(6).toString('hex')}@test`;
    const cseq = spec.cseq ?? this.#cseq++;
    const contact = spec.contact === undefined ? `<sip:${spec.user}@127.0.0.1:${this.port}>` : spec.contact;
    const lines = [
      `REGISTER sip:${spec.domain} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${this.port};branch=${branch};rport`,
      'Max-Forwards: 70',
      `From: <sip:${spec.user}@${spec.domain}>;tag=${randomBytes(4).toString('hex')}`,
      `To: <sip:${spec.toUser ?? spec.user}@${spec.domain}>`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} REGISTER`,
      ...(contact === null ? [] : [`Contact: ${contact}`]),
      ...(spec.expires === undefined ? [] : [`Expires: ${spec.expires}`]),
      ...(spec.authorization ? [`Authorization: ${spec.authorization}`] : []),
      ...(spec.extraHeaders ?? []),
      `User-Agent: ${spec.userAgent ?? 'dragon-test-ua'}`,
      'Content-Length: 0',
      '',
      '',
    ];
    const msg = lines.join('\r\n');
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.#waiters.delete(branch);
        resolve(undefined);
      }, timeoutMs);
      this.#waiters.set(branch, (r) => {
        clearTimeout(t);
        resolve(r);
      });
      this.#socket.send(msg, this.#target, '127.0.0.1');
    });
  }

  /**
   * REGISTER, answer the 401 with `password`, and resolve with both replies.
   * The same Call-ID is kept across the pair, as a phone does (RFC 3261 §10.2).
   */
  async registerWithAuth(spec: RegisterSpec, password: string, nc = 1): Promise<{ challenge: SipReply; final: SipReply; authorization: string }> {
    const callId = spec.callId ?? `${randomBytes(6).toString('hex')}@test`;
    const challenge = await this.register({ ...spec, callId });
    if (challenge?.status !== 401) throw new Error(`expected 401, got ${challenge?.status ?? 'nothing'}`);
    const authorization = authorize(challenge, spec, password, nc);
    const final = await this.register({ ...spec, callId, authorization });
    if (!final) throw new Error('no answer to the authorized REGISTER');
    return { challenge, final, authorization };
  }

  close(): void {
    this.#socket.close();
  }
}

/** The `Authorization` value answering `challenge` (strongest algorithm offered). */
export function authorize(challenge: SipReply, spec: Pick<RegisterSpec, 'domain' | 'user'>, password: string, nc = 1): string {
  return answerChallenge({
    challenge: challenge.all('www-authenticate'),
    method: 'REGISTER',
    uri: `sip:${spec.domain}`,
    username: spec.user,
    password,
    nc,
  }).header;
}
