import { createHooksApp } from './app.js';

const port = Number(process.env.HOOKS_PORT ?? 3000);
const host = process.env.HOOKS_HOST ?? '127.0.0.1';
// The address the PBX uses to reach this app (in the dialplans the RegHook returns); it differs
// from the bind address when the app listens on 0.0.0.0 in a container. Empty counts as unset,
// as for every variable the services read.
const baseUrl = process.env.HOOKS_PUBLIC_URL || `http://${host}:${port}`;
const server = createHooksApp({ baseUrl });
server.listen(port, host, () => {
  process.stdout.write(`hooks-app listening on http://${host}:${port} (/reghook, /callhook, /statushook)\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
