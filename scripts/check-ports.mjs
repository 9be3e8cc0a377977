// Checks, before the stack starts anything, that every port it is about to listen on is free,
// by binding each one the way its component will (same protocol, same address) and holding all
// of them until the end, so two variables set to the same port are caught too.
// Usage: node scripts/check-ports.mjs COMPONENT:VARIABLE:PORT:PROTOCOL:ADDRESS ...
// Exits 1 after printing one line per taken port, naming the port, the component and the
// variable that moves it; 0 when every port is free. Plain JavaScript: it runs before npm
// dependencies are installed.
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

/** @param {{ protocol: string, address: string, port: number }} p */
function bind(p) {
  return new Promise((resolve) => {
    if (p.protocol === 'udp') {
      const socket = createSocket(p.address.includes(':') ? 'udp6' : 'udp4');
      socket.once('error', (err) => resolve({ err, close: () => socket.close() }));
      socket.bind(p.port, p.address, () => resolve({ close: () => socket.close() }));
    } else {
      const server = createServer();
      server.once('error', (err) => resolve({ err, close: () => server.close() }));
      server.listen({ port: p.port, host: p.address, exclusive: true }, () => resolve({ close: () => server.close() }));
    }
  });
}

const wanted = process.argv.slice(2).map((arg) => {
  const [component, variable, port, protocol, ...address] = arg.split(':');
  return { component, variable, port: Number(port), protocol, address: address.join(':') };
});
const held = [];
let taken = 0;
for (const p of wanted) {
  if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) {
    process.stderr.write(`[dragonpbx] ${p.variable}=${p.port} (${p.component}) is not a port number (1-65535)\n`);
    taken++;
    continue;
  }
  const r = await bind(p);
  if (r.err) {
    taken++;
    const why = r.err.code === 'EADDRINUSE' ? 'is already in use' : `cannot be opened (${r.err.code ?? r.err.message})`;
    process.stderr.write(
      `[dragonpbx] port ${p.port}/${p.protocol} on ${p.address} ${why}: ${p.component} listens there; ` +
        `stop what uses it or set ${p.variable} to another port\n`,
    );
  } else {
    held.push(r);
  }
}
for (const h of held) h.close();
process.exit(taken ? 1 : 0);
