import { SipStack } from '../../src/sip-stack.js';
import type { SipStackOptions } from '../../src/sip-stack-options.js';
import type { StackLogger } from '../../src/stack-logger.js';

export const quietLogger: StackLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** A started stack on ephemeral UDP+TCP ports of `host`. */
export async function startStack(host = '127.0.0.1', opts: SipStackOptions = {}): Promise<SipStack> {
  const stack = new SipStack({
    contacts: [
      { protocol: 'udp', host, port: 0 },
      { protocol: 'tcp', host, port: 0 },
    ],
    timers: { t1: 50, t2: 200, t4: 250 },
    logger: quietLogger,
    ...opts,
  });
  await stack.start();
  return stack;
}

export function portOf(stack: SipStack, protocol: 'udp' | 'tcp'): number {
  return stack.localContacts().find((c) => c.protocol === protocol)!.port;
}

/** A request text addressed to the stack. */
export function request(
  method: string,
  opts: { proto?: 'UDP' | 'TCP'; sentBy?: string; branch?: string; callId?: string; rport?: boolean; body?: string; extra?: string[] } = {},
): string {
  const body = opts.body ?? '';
  const lines = [
    `${method} sip:service@example.com SIP/2.0`,
    `Via: SIP/2.0/${opts.proto ?? 'UDP'} ${opts.sentBy ?? '192.0.2.1:5060'};branch=${opts.branch ?? 'z9hG4bKtest1'}${opts.rport ? ';rport' : ''}`,
    'Max-Forwards: 70',
    'From: <sip:alice@example.com>;tag=a1',
    'To: <sip:service@example.com>',
    `Call-ID: ${opts.callId ?? 'call-1'}`,
    `CSeq: 1 ${method}`,
    ...(opts.extra ?? []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ];
  return lines.join('\r\n');
}
