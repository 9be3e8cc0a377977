/**
 * The bench's reference point: the smallest drachtio-srf app that answers
 * every REGISTER 200 OK, with no auth, no RegHook and no storage.
 * `node --import tsx bench/registrar/baseline-app.ts <adminPort> <secret>`
 */
import { Srf, connectSrf } from '@dragonpbx/shared/srf';
import pino from 'pino';

const [port = '9022', secret = 'cymru'] = process.argv.slice(2);
const srf = new Srf();
srf.register((req, res) => {
  res.send(200, 'OK', { headers: { Contact: `${req.get('Contact') ?? ''};expires=300`, Expires: '300' } });
});
const app = await connectSrf({ host: '127.0.0.1', port: Number(port), secret, srf }, pino({ level: 'warn' }));
process.stdout.write('baseline ready\n');
process.on('SIGTERM', () => {
  app.disconnect();
  process.exit(0);
});
