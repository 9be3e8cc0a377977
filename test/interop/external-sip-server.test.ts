// SIP_SERVER=external: the stack starts everything except the sip-server and connects to the SIP
// server DRACHTIO_HOST/DRACHTIO_PORT/DRACHTIO_SECRET name (drachtio-server in production). Here
// the "external" server is an embedded sip-server process this file starts itself, not the stack.
// `npm run stack:up` (scripts/stack.sh) in that mode attaches its registrar to it; the e2e
// CallStack in that mode carries a call between two baresip phones through it, audio asserted.
// Ports 28740-28799 (the stack.sh stack's private RTPEngine: 28759, media 28780-28789).
import { randomBytes } from 'node:crypto';
import { type ServiceProcess, spawnService, until } from '@dragonpbx/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallStack, DOMAIN, externalSipServer } from '../e2e/calls/support/call-stack.js';
import { ROOT, pidsIn, register, running, stack, stackEnvs } from '../e2e/support/stack-run.js';
import { BaresipPhone } from './support/baresip-phone.js';
import { expectHeard } from './support/heard.js';
import { measureTone } from './support/tone-analysis.js';

const SIP = 28740;
const ADMIN = 28741;
const SECRET = `ext-${randomBytes(4).toString('hex')}`;
/** The variables that switch a stack to the external server. */
const EXTERNAL = { SIP_SERVER: 'external', DRACHTIO_HOST: '127.0.0.1', DRACHTIO_PORT: String(ADMIN), DRACHTIO_SECRET: SECRET, SIP_PORT: String(SIP) };
let server: ServiceProcess;
const envs = stackEnvs();

beforeAll(async () => {
  server = spawnService('services/sip-server/src/main.ts', { LOGLEVEL: 'info', DRACHTIO_SECRET: SECRET }, {
    cwd: ROOT,
    args: ['--contact', `sip:127.0.0.1:${SIP};transport=udp,tcp`, '--address', '127.0.0.1', '--port', String(ADMIN), '--secret', SECRET, '--prometheus-scrape-port', '28742'],
  });
  await until(async () => {
    const res = await fetch('http://127.0.0.1:28742/readyz').catch(() => undefined);
    return res?.ok === true;
  }, 60_000, `the external sip-server ready:\n${server.output()}`);
}, 120_000);

afterAll(async () => {
  await envs.cleanup();
  server?.child.kill('SIGTERM');
  await server?.exited;
}, 60_000);

describe('SIP_SERVER', () => {
  it('names embedded (the default) or external; anything else is refused', () => {
    expect(externalSipServer({})).toBeUndefined();
    expect(externalSipServer({ SIP_SERVER: 'embedded' })).toBeUndefined();
    expect(externalSipServer(EXTERNAL)).toEqual({ host: '127.0.0.1', port: ADMIN, secret: SECRET, sipPort: SIP });
    expect(() => externalSipServer({ SIP_SERVER: 'drachtio' })).toThrow('SIP_SERVER=drachtio: expected embedded or external');
    expect(() => externalSipServer({ SIP_SERVER: 'external', DRACHTIO_PORT: 'x' })).toThrow('DRACHTIO_PORT=x is not a port');
  });

  it('stack:up with SIP_SERVER=external starts no sip-server and attaches the registrar to the external one', async () => {
    const env = envs.env(28750, { ...EXTERNAL, STACK_ONLY: 'sip-server registrar', RTP_PORT_MIN: '28780', RTP_PORT_MAX: '28789' });
    try {
      const up = await stack('up', env);
      expect(up.code, `${up.out}\n${up.err}`).toBe(0);
      expect(up.err).not.toContain('starting sip-server');
      expect(up.out).toMatch(/ready {2}registrar/);
      expect(up.err).toContain(`(external SIP server, admin 127.0.0.1:${ADMIN})`);
      // The external server hands the REGISTER to the stack's registrar, which challenges it.
      expect(await register(SIP)).toBe(401);
      const status = await stack('status', env);
      expect(status.out).toMatch(new RegExp(`^sip-server +external +- +listening, admin tcp 127\\.0\\.0\\.1:${ADMIN}$`, 'm'));
      expect(status.out).toMatch(/^registrar +pid \d+ +yes/m);
    } finally {
      await stack('down', env);
    }
    expect(pidsIn(env.DRAGON_STATE_DIR!).filter(running)).toEqual([]);
    // The external server is not the stack's: it still runs.
    expect(server.child.exitCode).toBeNull();
  }, 300_000);

  it('stack:up with SIP_SERVER=external and nothing on DRACHTIO_PORT starts nothing and says why', async () => {
    const env = envs.env(28750, { ...EXTERNAL, DRACHTIO_PORT: '28749', STACK_ONLY: 'registrar', RTP_PORT_MIN: '28780', RTP_PORT_MAX: '28789' });
    try {
      const up = await stack('up', env);
      expect(up.code).toBe(1);
      expect(up.err).toContain('SIP_SERVER=external: no SIP server answers on 127.0.0.1:28749');
    } finally {
      await stack('down', env);
    }
  }, 120_000);

  it('the e2e CallStack with SIP_SERVER=external: two baresip phones talk through the external server', async () => {
    const external = externalSipServer(EXTERNAL);
    const calls = await CallStack.start({ ports: { sip: 0, admin: 0, ops: 28743 }, sipServer: external, codecs: () => ['PCMU'], env: { DIGEST_ALGORITHMS: 'MD5' }, ringback: false });
    const phones: BaresipPhone[] = [];
    try {
      expect(calls.process('sip-server')).toBeUndefined();
      expect(calls.ports.sip).toBe(SIP);
      calls.hook.json('/call', [{ verb: 'connect', dest: { type: 'client', address: '4002' } }]);
      const phone = async (user: string, port: number, control: number) => {
        const p = await BaresipPhone.start({ user, password: `pw${user}`, domain: DOMAIN, proxy: `sip:127.0.0.1:${SIP};transport=udp`, listen: `127.0.0.1:${port}`, controlPort: control, toneHz: user === '4001' ? 650 : 950 });
        phones.push(p);
        return p;
      };
      const a = await phone('4001', 28790, 28794);
      const b = await phone('4002', 28792, 28795);
      await a.dial(`sip:4002@${DOMAIN}`);
      await b.event('CALL_INCOMING');
      await b.accept();
      await a.event('CALL_ESTABLISHED');
      await new Promise((r) => setTimeout(r, 3000));
      await a.hangup();
      await b.event('CALL_CLOSED');
      await Promise.all([a.stop(), b.stop()]);
      expectHeard(
        { who: '4001 hears 4002', hz: 950, measured: measureTone(a.recordingsSince(0)) },
        { who: '4002 hears 4001', hz: 650, measured: measureTone(b.recordingsSince(0)) },
      );
    } finally {
      for (const p of phones) await p.remove();
      await calls.stop();
    }
    expect(server.child.exitCode).toBeNull();
  }, 300_000);
});
