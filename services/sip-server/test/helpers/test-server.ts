import type { PolicyFn, ServerOptionsInput } from '../../src/server-options.js';
import { SipServer } from '../../src/server.js';
import type { PortBlock } from './ports.js';

/** An in-process server listening on a port block. */
export interface TestServer {
  readonly server: SipServer;
  readonly adminPort: number;
  readonly sipPort: number;
  stop(): Promise<void>;
}

/** Options beyond the port block. */
export interface TestServerOptions {
  secret?: string;
  policy?: PolicyFn;
  protocols?: ReadonlyArray<'udp' | 'tcp'>;
  timers?: ServerOptionsInput['timers'];
  /** SIP bind address. @defaultValue '127.0.0.1' */
  sipHost?: string;
}

/** Starts a `SipServer` on 127.0.0.1 (admin `block.admin`, SIP `block.sip` on `sipHost`). */
export async function startTestServer(block: PortBlock, o: TestServerOptions = {}): Promise<TestServer> {
  const protocols = o.protocols ?? ['udp', 'tcp'];
  const input: ServerOptionsInput = {
    admin: { address: '127.0.0.1', port: block.admin, secret: o.secret ?? 'cymru' },
    contacts: protocols.map((protocol) => ({ protocol, host: o.sipHost ?? '127.0.0.1', port: block.sip })),
    logLevel: 'error',
    ...(o.policy && { policy: o.policy }),
    ...(o.timers && { timers: o.timers }),
  };
  const server = new SipServer(input);
  await server.start();
  return { server, adminPort: block.admin, sipPort: block.sip, stop: () => server.stop() };
}
