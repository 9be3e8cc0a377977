import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SipServer } from '../../src/server.js';
import { startServer } from '../uas/harness.js';
import { SDP, UdpUa, answer } from '../uas/udp-ua.js';
import { RawAdminClient } from './raw-admin-client.js';

/** Wire-level checks of the sip frames against docs/drachtio-protocol.md §3.4–§3.7, with a raw admin client. */
describe('sip frames on the admin socket', () => {
  let server: SipServer;
  let udpPort: number;
  let app: RawAdminClient;
  let ua: UdpUa;

  beforeEach(async () => {
    const s = await startServer();
    server = s.server;
    udpPort = s.udpPort;
    app = await RawAdminClient.open(server.adminPort);
    await app.authenticate();
    await app.reply(app.send('route|invite'));
    await app.reply(app.send('route|message'));
    ua = await UdpUa.open();
  });

  afterEach(async () => {
    app.close();
    ua.close();
    await server.stop();
  });

  const inviteText = (callId: string) =>
    [
      `INVITE sip:1234@127.0.0.1:${udpPort} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${ua.port};branch=z9hG4bK-${callId};rport`,
      `From: "Ünïcødé 😀" <sip:alice@127.0.0.1:${ua.port}>;tag=from-${callId}`,
      `To: <sip:1234@127.0.0.1:${udpPort}>`,
      `Call-ID: ${callId}`,
      'CSeq: 7 INVITE',
      `Contact: <sip:alice@127.0.0.1:${ua.port}>`,
      'X-Mixed-Case: Kept',
      'Content-Type: application/sdp',
    ].join('\n');

  it('delivers a new request as sip|network|bytes|udp|addr|port|time|txnId||localAddr|localPort| + the raw bytes', async () => {
    ua.send(inviteText('frames-1'), udpPort, SDP);
    const f = await app.next((x) => x.tokens[1] === 'sip');
    expect(f.tokens).toHaveLength(13);
    const [, , source, bytes, proto, addr, port, time, txnId, dialogId, laddr, lport, last] = f.tokens;
    expect([source, proto, addr, port]).toEqual(['network', 'udp', '127.0.0.1', String(ua.port)]);
    expect(time).toMatch(/^\d\d:\d\d:\d\d\.\d{6}$/);
    expect(txnId).toMatch(/^[0-9a-f-]{36}$/);
    expect([dialogId, laddr, lport, last]).toEqual(['', '127.0.0.1', String(udpPort), '']);
    const sip = Buffer.from(f.sip ?? '', 'utf8');
    expect(Number(bytes)).toBe(sip.length);
    // Byte-exact: header order, name case and the UTF-8 display name are preserved.
    expect(f.sip).toContain('From: "Ünïcødé 😀" <sip:alice@');
    expect(f.sip).toContain('\r\nX-Mixed-Case: Kept\r\n');
    expect(f.sip?.endsWith(SDP)).toBe(true);
  });

  it('sends the app response with request headers + To-tag and echoes OK|…|txnId|dialogId||Msg sent:| with the exact bytes', async () => {
    ua.send(inviteText('frames-2'), udpPort, SDP);
    const f = await app.next((x) => x.tokens[1] === 'sip');
    const txnId = f.tokens[8];
    const resp = [
      'SIP/2.0 180 Ringing',
      'Call-ID: frames-2',
      'cseq: 7 INVITE',
      `from: <sip:alice@127.0.0.1:${ua.port}>;tag=from-frames-2`,
      `to: <sip:1234@127.0.0.1:${udpPort}>`,
      'Via: SIP/2.0/UDP 6.6.6.6:1;branch=z9hG4bKevil',
      'Record-Route: <sip:evil>',
      'x-app: yes',
      'Content-Length: 999',
      '',
      '',
    ].join('\r\n');
    const id = app.send(`sip|${txnId}|`, resp);
    const r = await app.reply(id);
    expect(r.tokens.slice(3, 4)).toEqual(['OK']);
    expect(r.tokens[4]).toBe('application');
    expect(r.tokens.slice(6, 9)).toEqual(['udp', '127.0.0.1', String(udpPort)]);
    expect(r.tokens[10]).toBe(txnId);
    expect(r.tokens[11]).toBe('frames-2;from-tag=from-frames-2');
    expect(r.tokens.slice(12)).toEqual(['', 'Msg sent:', '']);
    const onWire = await ua.response(180);
    expect(onWire.toString()).toBe(r.sip);
    expect(onWire.get('via')).toContain(`branch=z9hG4bK-frames-2`);
    expect(onWire.getAll('via')).toHaveLength(1);
    expect(onWire.has('record-route')).toBe(false);
    expect(onWire.get('to')).toMatch(/;tag=\w+/);
    expect(onWire.get('x-app')).toBe('yes');
    expect(onWire.get('content-length')).toBe('0');
    // A response for an unknown transaction is refused.
    const bad = await app.reply(app.send('sip|no-such-txn|', resp));
    expect(bad.tokens.slice(3)).toEqual(['NOK', 'Response not sent due to unknown transaction']);
  });

  it('answers NOK to a malformed status line, a response without txnId and an unknown dialog', async () => {
    const a = await app.reply(app.send('sip|x|', 'SIP/2.0 abc Bad\r\n\r\n'));
    expect(a.tokens[3]).toBe('NOK');
    const b = await app.reply(app.send('sip||', 'SIP/2.0 200 OK\r\n\r\n'));
    expect(b.tokens.slice(3)).toEqual(['NOK', 'transaction id missing']);
    const c = await app.reply(app.send('sip||nope;from-tag=x', 'BYE sip:placeholder SIP/2.0\r\n\r\n'));
    expect(c.tokens.slice(3)).toEqual(['NOK', 'Server error: unable to find dialog for dialog id provided']);
    const d = await app.reply(app.send('sip|', 'garbage\r\n\r\n'));
    expect(d.tokens[3]).toBe('NOK');
    // The connection survives all of it.
    expect((await app.reply(app.send('ping'))).tokens[4]).toBe('pong');
  });

  it('echoes an app request as OK|application|…|txnId|Msg sent:| before its responses, which carry the txnId', async () => {
    const id = app.send('sip||', `MESSAGE sip:bob@127.0.0.1:${ua.port} SIP/2.0\r\nContent-Type: text/plain\r\n\r\nhello 😀`);
    const echo = await app.reply(id);
    expect(echo.tokens.slice(3, 5)).toEqual(['OK', 'application']);
    const txnId = echo.tokens[10];
    expect(echo.tokens.slice(11)).toEqual(['Msg sent:', '']);
    expect(Number(echo.tokens[5])).toBe(Buffer.byteLength(echo.sip ?? ''));
    const msg = await ua.request('MESSAGE');
    expect(msg.toString()).toBe(echo.sip);
    expect(msg.body.toString()).toBe('hello 😀');
    ua.send(answer(msg, 200, 'OK', 'm1'), udpPort);
    const res = await app.next((x) => x.tokens[1] === 'sip' && x.tokens[8] === txnId);
    expect(res.tokens[2]).toBe('network');
    expect(res.tokens[9]).toBe('');
    expect(res.sip?.startsWith('SIP/2.0 200 OK')).toBe(true);
  });

  it('refuses requests it cannot send with the NOK texts of drachtio-server (docs/drachtio-protocol.md §4.11)', async () => {
    const nok = async (sip: string, extra = '') => (await app.reply(app.send(`sip||${extra}`, sip))).tokens.slice(3);
    expect(await nok(`MESSAGE sip:bob@127.0.0.1:${ua.port} SIP/2.0\r\n\r\nno type`)).toEqual(['NOK', 'missing content-type']);
    expect(await nok(`OPTIONS sip:127.0.0.1:${udpPort} SIP/2.0\r\n\r\n`)).toEqual(['NOK', 'can not send request to myself']);
    expect(await nok(`OPTIONS sip:bob@127.0.0.1:${ua.port};transport=tls SIP/2.0\r\n\r\n`)).toEqual([
      'NOK',
      'requested protocol/transport not available',
    ]);
    expect((await nok('OPTIONS not-a-uri SIP/2.0\r\n\r\n'))[1]).toMatch(/^invalid request-uri: /);
    const c = await nok('CANCEL sip:x@127.0.0.1 SIP/2.0\r\n\r\n', '');
    expect(c[0]).toBe('NOK');
    const c2 = (await app.reply(app.send('sip|nosuch|', 'CANCEL sip:x@127.0.0.1 SIP/2.0\r\n\r\n'))).tokens.slice(3);
    expect(c2).toEqual(['NOK', 'unable to cancel unknown transaction id: nosuch']);
  });

  it('sends a new request to the 5th-token outbound proxy without changing its request-URI', async () => {
    const id = app.send(`sip|||sip:127.0.0.1:${ua.port}`, 'OPTIONS sip:bob@example.invalid SIP/2.0\r\n\r\n');
    const echo = await app.reply(id);
    expect(echo.tokens[3]).toBe('OK');
    const opt = await ua.request('OPTIONS');
    expect(opt.uri).toBe('sip:bob@example.invalid');
    ua.send(answer(opt, 200, 'OK', 'o1'), udpPort);
  });
});
