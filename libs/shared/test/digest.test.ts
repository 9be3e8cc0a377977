import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { answerChallenge, authorizationHeaderName } from '../src/digest/answer-challenge.js';
import { parseAuthHeader } from '../src/digest/auth-header-syntax.js';
import { buildDigestChallenges, challengeHeaderName } from '../src/digest/build-challenge.js';
import { computeDigestResponse, computeHa1 } from '../src/digest/compute-digest-response.js';
import { parseDigestCredentials } from '../src/digest/digest-credentials.js';
import { DigestVerifier, type NonceReplayGuard } from '../src/digest/digest-verifier.js';
import { NonceCodec } from '../src/digest/nonce-codec.js';
import { PbxError } from '../src/errors/pbx-error.js';

const SECRET = 'test-secret-0123456789';

function errorOf(fn: () => unknown): PbxError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PbxError) return e;
    throw e;
  }
  throw new Error('expected a PbxError');
}

/** In-memory stand-in for the pure unit tests; the Redis one is tested in state-nonce.test.ts. */
function memoryGuard(): NonceReplayGuard {
  const seen = new Set<string>();
  return {
    async claimNonce(nonce, nc) {
      const k = `${nonce}/${nc}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    },
  };
}

describe('RFC test vectors', () => {
  it('RFC 2617 §3.5 (MD5, qop=auth)', () => {
    const header =
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", ' +
      'uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b", ' +
      'response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"';
    const c = parseDigestCredentials(header);
    const r = computeDigestResponse({ ...c, algorithm: 'MD5', password: 'Circle Of Life', method: 'GET' });
    expect(r).toBe('6629fae49393a05397450978507c4ef1');
    expect(c.response).toBe(r);
  });

  const rfc7616 = {
    username: 'Mufasa',
    realm: 'http-auth@example.org',
    password: 'Circle of Life',
    method: 'GET',
    uri: '/dir/index.html',
    nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
    cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
    nc: '00000001',
    qop: 'auth' as const,
  };
  it('RFC 7616 §3.9.1 (SHA-256 and MD5)', () => {
    expect(computeDigestResponse({ ...rfc7616, algorithm: 'SHA-256' })).toBe(
      '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    );
    expect(computeDigestResponse({ ...rfc7616, algorithm: 'MD5' })).toBe('8ca523f5e9506fed4657c9700eebdbec');
    const ha1 = computeHa1('SHA-256', rfc7616.username, rfc7616.realm, rfc7616.password);
    const { password: _p, ...noPassword } = rfc7616;
    expect(computeDigestResponse({ ...noPassword, ha1, algorithm: 'SHA-256' })).toBe(
      '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    );
  });

  it('the client answers the RFC 7616 challenge with the RFC response, preferring SHA-256', () => {
    const challenge = [
      'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
      'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    ];
    const a = answerChallenge({ challenge, method: 'GET', uri: '/dir/index.html', username: 'Mufasa', password: 'Circle of Life', cnonce: rfc7616.cnonce });
    expect(a.algorithm).toBe('SHA-256');
    const c = parseDigestCredentials(a.header);
    expect(c).toMatchObject({
      username: 'Mufasa',
      realm: 'http-auth@example.org',
      uri: '/dir/index.html',
      qop: 'auth',
      nc: '00000001',
      cnonce: rfc7616.cnonce,
      algorithm: 'SHA-256',
      opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
      response: '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    });
  });
});

describe('parseDigestCredentials', () => {
  it('handles escapes, commas in quotes, case-insensitive names and odd spacing', () => {
    const c = parseDigestCredentials(
      'digest USERNAME="a\\"l,ice" ,Realm="ex.com",nonce="n1",  uri=sip:1000@ex.com ,response="ABCDEF0123",Algorithm=sha-256,QOP=auth,NC=0000000A,cnonce="x, y"',
    );
    expect(c).toEqual({
      username: 'a"l,ice',
      realm: 'ex.com',
      nonce: 'n1',
      uri: 'sip:1000@ex.com',
      response: 'ABCDEF0123',
      algorithm: 'sha-256',
      qop: 'auth',
      nc: '0000000a',
      cnonce: 'x, y',
    });
  });

  it('accepts RFC 2069 credentials without qop', () => {
    const c = parseDigestCredentials('Digest username="u", realm="r", nonce="n", uri="sip:r", response="00ff"');
    expect(c.qop).toBeUndefined();
    expect(c.nc).toBeUndefined();
  });

  const base = 'username="u", realm="r", nonce="n", uri="sip:r", response="00ff"';
  const bad: [string, string, RegExp][] = [
    ['empty', '', /empty/],
    ['not digest', 'Basic dXNlcjpwYXNz', /scheme "Basic" is not Digest/],
    ['missing username', 'Digest realm="r", nonce="n", uri="sip:r", response="00ff"', /missing username/],
    ['missing realm', 'Digest username="u", nonce="n", uri="sip:r", response="00ff"', /missing realm/],
    ['missing response', 'Digest username="u", realm="r", nonce="n", uri="sip:r"', /missing response/],
    ['non-hex response', `Digest ${base.replace('00ff', 'zz')}`, /not hex/],
    ['unterminated quote', 'Digest username="u', /unterminated quoted string/],
    ['quote swallowing a comma', 'Digest username="u, realm="r', /expected "," at 27/],
    ['duplicate param', `Digest ${base}, Username="v"`, /duplicate parameter "username"/],
    ['qop without nc', `Digest ${base}, qop=auth, cnonce="c"`, /missing nc/],
    ['qop without cnonce', `Digest ${base}, qop=auth, nc=00000001`, /missing cnonce/],
    ['bad nc', `Digest ${base}, qop=auth, nc=1, cnonce="c"`, /nc is not 8 hex digits/],
    ['auth-int', `Digest ${base}, qop=auth-int, nc=00000001, cnonce="c"`, /qop "auth-int" is not supported/],
    ['nc without qop', `Digest ${base}, nc=00000001`, /nc\/cnonce without qop/],
    ['two blocks', `Digest ${base}, Digest ${base}`, /expected one credentials block, got 2/],
    ['param before scheme', 'realm="r"', /before any scheme/],
    ['garbage separator', 'Digest username="u" realm="r"', /expected "," at/],
    ['empty value', 'Digest username=, realm="r"', /empty value for "username"/],
    ['stray character', 'Digest realm="r", =x', /unexpected "=" at 18/],
  ];
  it.each(bad)('rejects %s', (_name, header, why) => {
    const e = errorOf(() => parseDigestCredentials(header, 'Proxy-Authorization'));
    expect(e.code).toBe('PBX_ERR_DIGEST_HEADER_INVALID');
    expect(e.message).toMatch(/^malformed Proxy-Authorization header: /);
    expect(e.message).toMatch(why);
  });

  it('picks the block for a realm when a UA sent credentials for several', () => {
    const two = `Digest ${base.replace('"r"', '"other"')},Digest ${base.replace('"u"', '"me"')}`;
    expect(parseDigestCredentials(two, 'Authorization', 'r').username).toBe('me');
    const e = errorOf(() => parseDigestCredentials(two, 'Authorization', 'nowhere'));
    expect(e.message).toMatch(/no credentials for realm "nowhere"/);
    expect(errorOf(() => parseDigestCredentials(two)).message).toMatch(/expected one credentials block, got 2/);
  });

  it('parses several challenges in one value', () => {
    const blocks = parseAuthHeader('Digest realm="a", nonce="1", Digest realm="b", nonce="2"', 'WWW-Authenticate');
    expect(blocks.map((b) => b.params.realm)).toEqual(['a', 'b']);
  });
});

describe('challenges', () => {
  it('offers SHA-256 then MD5 with qop="auth", stale only when asked', () => {
    const [sha, md5, ...rest] = buildDigestChallenges({ realm: 'pbx.example.com', nonce: 'abc' });
    expect(rest).toEqual([]);
    expect(sha).toBe('Digest realm="pbx.example.com", nonce="abc", algorithm=SHA-256, qop="auth"');
    expect(md5).toBe('Digest realm="pbx.example.com", nonce="abc", algorithm=MD5, qop="auth"');
    const stale = buildDigestChallenges({ realm: 'r"x', nonce: 'n', stale: true, opaque: 'o', algorithms: ['MD5'] });
    expect(stale).toEqual(['Digest realm="r\\"x", nonce="n", algorithm=MD5, qop="auth", opaque="o", stale=true']);
  });

  it('picks the header name from the status', () => {
    expect(authorizationHeaderName(401)).toBe('Authorization');
    expect(authorizationHeaderName(407)).toBe('Proxy-Authorization');
    expect(challengeHeaderName(401)).toBe('WWW-Authenticate');
    expect(challengeHeaderName(407)).toBe('Proxy-Authenticate');
  });
});

describe('NonceCodec', () => {
  it('accepts its own nonces, reports stale after the lifetime, refuses tampering and other realms', () => {
    let now = 1_800_000_000_000;
    const codec = new NonceCodec({ secret: SECRET, lifetimeSec: 10, now: () => now });
    const n = codec.issue('a.example');
    expect(n).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(codec.check(n, 'a.example')).toEqual({ state: 'valid', issuedAt: now, remainingMs: 10_000 });
    expect(codec.check(n, 'b.example').state).toBe('bad');
    const tampered = (n[0] === 'A' ? 'B' : 'A') + n.slice(1);
    expect(codec.check(tampered, 'a.example').state).toBe('bad');
    expect(codec.check('short', 'a.example').state).toBe('bad');
    expect(codec.check(`${n}=`, 'a.example').state).toBe('bad');
    const other = new NonceCodec({ secret: 'another-secret-0123456', now: () => now });
    expect(other.check(n, 'a.example').state).toBe('bad');
    now += 10_000;
    expect(codec.check(n, 'a.example').state).toBe('stale');
    // A nonce dated in the future (issued by a clock far ahead) is refused.
    const future = new NonceCodec({ secret: SECRET, now: () => now + 60_000 }).issue('a.example');
    expect(codec.check(future, 'a.example').state).toBe('bad');
  });

  it('issues a different nonce for every challenge, even within one millisecond', () => {
    const now = 1_800_000_000_000;
    const codec = new NonceCodec({ secret: SECRET, now: () => now });
    const nonces = Array.from({ length: 50 }, () => codec.issue('a.example'));
    expect(new Set(nonces).size).toBe(50);
    for (const n of nonces) expect(codec.check(n, 'a.example').state).toBe('valid');
    // The salt is covered by the MAC: changing it makes the nonce invalid.
    const raw = Buffer.from(nonces[0]!, 'base64url');
    raw[9] = (raw[9] ?? 0) ^ 1;
    expect(codec.check(raw.toString('base64url'), 'a.example').state).toBe('bad');
    // Salts come from a pool refilled every 512 challenges: still unique across refills.
    const many = Array.from({ length: 1500 }, () => codec.issue('a.example'));
    expect(new Set([...nonces, ...many]).size).toBe(1550);
    expect(codec.check(many[1499]!, 'a.example')).toEqual({ state: 'valid', issuedAt: now, remainingMs: 300_000 });
  });

  it('defaults to a 300 s lifetime and validates options', () => {
    expect(new NonceCodec({ secret: SECRET }).lifetimeMs).toBe(300_000);
    expect(errorOf(() => new NonceCodec({ secret: 'short' })).code).toBe('PBX_ERR_DIGEST_OPTIONS_INVALID');
    expect(errorOf(() => new NonceCodec({ secret: SECRET, lifetimeSec: 0 })).message).toMatch(/lifetimeSec/);
    expect(errorOf(() => new NonceCodec({ secret: SECRET, lifetimeSec: Number.NaN })).message).toMatch(/lifetimeSec/);
  });
});

describe('DigestVerifier round trip', () => {
  const realm = 'pbx.example.com';
  const uri = 'sip:pbx.example.com';

  function setup(lifetimeSec = 300) {
    let now = Date.now();
    const verifier = new DigestVerifier({ secret: SECRET, lifetimeSec, now: () => now }, { replay: memoryGuard() });
    return { verifier, advance: (ms: number) => (now += ms) };
  }

  const answer = (challenge: string | string[], password = 's3cret', nc = 1, method = 'REGISTER') =>
    parseDigestCredentials(
      answerChallenge({ challenge, method, uri, username: '1000', password, nc }).header,
    );

  it.each([['SHA-256'], ['MD5']] as const)('accepts a correct %s answer once, refuses its replay', async (alg) => {
    const { verifier } = setup();
    const challenges = verifier.challenge(realm);
    const only = challenges.find((c) => c.includes(`algorithm=${alg},`))!;
    const creds = answer(only);
    expect(creds.algorithm).toBe(alg);
    expect(await verifier.verify({ credentials: creds, method: 'REGISTER', realm, password: 's3cret' })).toBe('ok');
    expect(await verifier.verify({ credentials: creds, method: 'REGISTER', realm, password: 's3cret' })).toBe('replay');
    // The next nonce count on the same nonce is a new request and is accepted.
    const next = answer(only, 's3cret', 2);
    expect(await verifier.verify({ credentials: next, method: 'REGISTER', realm, password: 's3cret' })).toBe('ok');
  });

  it('verifies against a stored HA1', async () => {
    const { verifier } = setup();
    const creds = answer(verifier.challenge(realm));
    const ha1 = computeHa1('SHA-256', '1000', realm, 's3cret');
    expect(await verifier.verify({ credentials: creds, method: 'REGISTER', realm, ha1 })).toBe('ok');
  });

  it('classifies failures', async () => {
    const { verifier, advance } = setup(5);
    const ch = verifier.challenge(realm);
    const v = (credentials: ReturnType<typeof answer>, extra: { method?: string; realm?: string; password?: string } = {}) =>
      verifier.verify({ credentials, method: extra.method ?? 'REGISTER', realm: extra.realm ?? realm, password: extra.password ?? 's3cret' });
    expect(await v(answer(ch, 'wrong'))).toBe('bad-response');
    expect(await v(answer(ch), { method: 'INVITE' })).toBe('bad-response');
    expect(await v(answer(ch), { realm: 'other.example.com' })).toBe('bad-realm');
    const creds = answer(ch);
    expect(await v({ ...creds, nonce: `${creds.nonce.slice(0, -2)}AA` })).toBe('bad-nonce');
    expect(await v({ ...creds, algorithm: 'SHA-512' })).toBe('bad-algorithm');
    expect(await v({ ...creds, algorithm: 'MD5-sess' })).toBe('bad-algorithm');
    expect(await v({ ...creds, algorithm: 'SHA-512-256' })).toBe('bad-algorithm');
    const fromOtherRealm = answer(verifier.challenge('other.example.com'));
    expect(await v({ ...fromOtherRealm, realm })).toBe('bad-nonce');
    advance(5_000);
    expect(await v(answer(ch, 's3cret', 7))).toBe('stale');
    // A wrong digest on an expired nonce is a bad response, not stale (RFC 7616 §3.3).
    expect(await v(answer(ch, 'wrong', 8))).toBe('bad-response');
  });

  it('the stale re-challenge carries stale=true', () => {
    const { verifier } = setup();
    expect(verifier.challenge(realm, true).every((h) => h.endsWith(', stale=true'))).toBe(true);
  });
});

describe('answerChallenge', () => {
  it('answers an RFC 2069 challenge (no qop) and a -sess challenge', () => {
    const a = answerChallenge({ challenge: 'Digest realm="r", nonce="n"', method: 'INVITE', uri: 'sip:x@r', username: 'u', password: 'p' });
    expect(a.algorithm).toBe('MD5');
    const c = parseDigestCredentials(a.header);
    expect(c.qop).toBeUndefined();
    expect(c.response).toBe(computeDigestResponse({ algorithm: 'MD5', username: 'u', realm: 'r', password: 'p', method: 'INVITE', uri: 'sip:x@r', nonce: 'n' }));
    const s = answerChallenge({ challenge: 'Digest realm="r", nonce="n", qop="auth", algorithm=MD5-sess', method: 'INVITE', uri: 'sip:x@r', username: 'u', password: 'p', cnonce: 'c', nc: 3 });
    expect(s.header).toContain('algorithm=MD5-sess');
    expect(s.header).toContain('nc=00000003');
  });

  it('answers challenges that drachtio-srf joined into one comma-separated value', () => {
    const joined = buildDigestChallenges({ realm: 'r', nonce: 'n' }).join(',');
    const a = answerChallenge({ challenge: joined, method: 'REGISTER', uri: 'sip:r', username: 'u', password: 'p' });
    expect(a.algorithm).toBe('SHA-256');
    expect(a.realm).toBe('r');
  });

  it('prefers SHA-512-256 when a trunk offers it (RFC 8760 §2.4)', () => {
    const challenge = ['Digest realm="r", nonce="n", qop="auth", algorithm=MD5', 'Digest realm="r", nonce="n", qop="auth", algorithm=SHA-512-256'];
    const a = answerChallenge({ challenge, method: 'REGISTER', uri: 'sip:r', username: 'u', password: 'p', cnonce: 'c' });
    expect(a.algorithm).toBe('SHA-512-256');
    const h = (x: string) => createHash('sha512-256').update(x).digest('hex');
    const want = h(`${h('u:r:p')}:n:00000001:c:auth:${h('REGISTER:sip:r')}`);
    expect(parseDigestCredentials(a.header).response).toBe(want);
  });

  const bad: [string, string | string[], string, RegExp][] = [
    ['Basic only', 'Basic realm="r"', 'PBX_ERR_DIGEST_UNSUPPORTED', /no Digest challenge/],
    ['unknown algorithm', 'Digest realm="r", nonce="n", algorithm=SHA3-256', 'PBX_ERR_DIGEST_UNSUPPORTED', /no offered algorithm/],
    ['auth-int only', 'Digest realm="r", nonce="n", qop="auth-int"', 'PBX_ERR_DIGEST_UNSUPPORTED', /no offered/],
    ['missing nonce', 'Digest realm="r", qop="auth"', 'PBX_ERR_DIGEST_HEADER_INVALID', /missing nonce/],
    ['missing realm', 'Digest nonce="n"', 'PBX_ERR_DIGEST_HEADER_INVALID', /missing realm/],
    ['garbage', 'Digest realm="r', 'PBX_ERR_DIGEST_HEADER_INVALID', /unterminated/],
    ['empty list', [], 'PBX_ERR_DIGEST_UNSUPPORTED', /no Digest challenge/],
  ];
  it.each(bad)('rejects %s', (_n, challenge, code, why) => {
    const e = errorOf(() => answerChallenge({ challenge, method: 'REGISTER', uri: 'sip:r', username: 'u', password: 'p' }));
    expect(e.code).toBe(code);
    expect(e.message).toMatch(why);
  });
});
