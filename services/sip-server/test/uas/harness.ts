import { SipServer } from '../../src/server.js';
import { connectSrf, type LooseSrf, newSrf } from '../drachtio/srf-app.js';

/** A started server on ephemeral ports (loopback, UDP + TCP) with short timers when asked. */
export async function startServer(t1 = 500): Promise<{ server: SipServer; udpPort: number; tcpPort: number }> {
  const server = new SipServer({
    admin: { address: '127.0.0.1', port: 0, secret: 'cymru' },
    contacts: [
      { protocol: 'udp', host: '127.0.0.1', port: 0 },
      { protocol: 'tcp', host: '127.0.0.1', port: 0 },
    ],
    timers: { t1, t2: Math.max(t1 * 8, 4000), t4: 5000 },
  });
  await server.start();
  const c = server.sipContacts();
  return {
    server,
    udpPort: c.find((x) => x.protocol === 'udp')?.port ?? 0,
    tcpPort: c.find((x) => x.protocol === 'tcp')?.port ?? 0,
  };
}

/** A drachtio-srf app connected to `server`; `setup` registers handlers before connecting. */
export async function startApp(server: SipServer, setup: (srf: LooseSrf) => void = () => {}): Promise<LooseSrf> {
  const srf = newSrf();
  setup(srf);
  await connectSrf(srf, server.adminPort);
  // drachtio-srf writes its route frames before emitting connect; give the server a moment to read them.
  await sleep(30);
  return srf;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
