import { createHooksApp } from './app.js';

const port = Number(process.env.HOOKS_PORT ?? 3000);
const host = process.env.HOOKS_HOST ?? '127.0.0.1';
const server = createHooksApp({ baseUrl: `http://${host}:${port}` });
server.listen(port, host, () => {
  process.stdout.write(`hooks-app listening on http://${host}:${port} (/reghook, /callhook, /statushook)\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
