import { ROOT_CONTEXT, TraceFlags, context, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callLogger, createLogger } from '../src/observability/create-logger.js';
import { REDACTED, redactText } from '../src/observability/redact.js';
import { type Tracing, startTracing } from '../src/observability/start-tracing.js';

function capture() {
  const lines: string[] = [];
  const destination = { write: (s: string) => void lines.push(s) };
  return { lines, destination, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const SIP_INVITE = [
  'INVITE sip:bob@example.com SIP/2.0',
  'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK776',
  'Authorization: Digest username="alice", realm="example.com", nonce="abc", uri="sip:bob@example.com", response="6629fae49393a05397450978507c4ef1", cnonce="0a4f113b", nc=00000001, qop=auth',
  'Proxy-Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.topsecret',
  '',
  '',
].join('\r\n');

let tracing: Tracing;
beforeAll(() => {
  tracing = startTracing({ serviceName: 'logger-test', env: {} }); // registers the async context manager
});
afterAll(async () => {
  await tracing?.shutdown();
});

describe('createLogger', () => {
  it('never writes passwords, secrets, authorization or digest responses', () => {
    const out = capture();
    const log = createLogger({ service: 'registrar', level: 'debug', destination: out.destination });
    log.info(
      {
        password: 'hunter2-pw',
        regPass: 'trunk-pass-1',
        client: { username: 'alice', Password: 'nested-pw' },
        trunks: [{ register: { host: 'sip.carrier', password: 'arr-pw' } }],
        headers: { authorization: 'Bearer api-token-xyz', 'Proxy-Authorization': 'Basic Zm9vOmJhcg==' },
        regHookBody: { username: 'alice', nonce: 'n1', response: 'f00dfacef00dfacef00dfacef00dface' },
        env: { HOOK_SIGNING_SECRET: 'whsec_sigsecret', DRACHTIO_SECRET: 'cymru-secret', API_TOKEN: 'tok-123' },
        sip: SIP_INVITE,
      },
      'REGISTER from %s',
      'alice',
    );
    log.warn(`raw: ${SIP_INVITE}`);
    const text = out.lines.join('\n');
    for (const secret of [
      'hunter2-pw',
      'trunk-pass-1',
      'nested-pw',
      'arr-pw',
      'api-token-xyz',
      'Zm9vOmJhcg==',
      'f00dfacef00dfacef00dfacef00dface',
      'whsec_sigsecret',
      'cymru-secret',
      'tok-123',
      '6629fae49393a05397450978507c4ef1',
      '0a4f113b',
      'topsecret',
    ]) {
      expect(text).not.toContain(secret);
    }
    const [first] = out.parsed();
    expect(first).toMatchObject({
      level: 'info',
      service: 'registrar',
      msg: 'REGISTER from alice',
      password: REDACTED,
      client: { username: 'alice', Password: REDACTED },
      regHookBody: { username: 'alice', nonce: 'n1', response: REDACTED },
    });
    // the rest of the SIP message is kept for debugging
    expect(String(first?.sip)).toContain('Digest username="alice"');
    expect(String(first?.sip)).toContain('Via: SIP/2.0/UDP 10.0.0.1:5060');
  });

  it('keeps a `response` verb object and ordinary fields', () => {
    const out = capture();
    const log = createLogger({ service: 'call-router', destination: out.destination });
    log.info({ verb: { response: { status: 486, reason: 'Busy Here' } }, count: 2, empty: { password: '' } }, 'script');
    expect(out.parsed()[0]).toMatchObject({ verb: { response: { status: 486, reason: 'Busy Here' } }, count: 2 });
  });

  it('honours the level and redacts child bindings', () => {
    const out = capture();
    const log = createLogger({ service: 'x', level: 'warn', destination: out.destination });
    log.info('dropped');
    log.child({ secret: 'child-secret', callId: 'c1' }).warn('kept');
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).not.toContain('child-secret');
    expect(out.parsed()[0]).toMatchObject({ callId: 'c1', msg: 'kept' });
  });

  it('callLogger binds callId and the active trace ids', () => {
    const out = capture();
    const log = createLogger({ service: 'call-router', destination: out.destination });
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const spanId = 'b7ad6b7169203331';
    const ctx = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: TraceFlags.SAMPLED });
    context.with(ctx, () => callLogger(log, 'call-1@host').info('answered'));
    callLogger(log, 'call-2', { leg: 'b' }).info('no trace');
    const [a, b] = out.parsed();
    expect(a).toMatchObject({ callId: 'call-1@host', traceId, spanId, msg: 'answered' });
    expect(b).toMatchObject({ callId: 'call-2', leg: 'b' });
    expect(b?.traceId).toBeUndefined();
  });

  it('redactText masks unquoted digest params and non-digest credentials', () => {
    expect(redactText('Authorization: Digest response=abcdef12, nc=1')).toBe(`Authorization: Digest response="${REDACTED}", nc=1`);
    expect(redactText('authorization: Basic QWxhZGRpbg==')).toBe(`authorization: ${REDACTED}`);
  });
});
