// @dragonpbx/shared/sip: SIP helpers that need no SIP stack: digest authentication (RFC 8760,
// RFC 7616, RFC 3261 §22) in digest/ and SIP header helpers in sip/. node:crypto only.
// One export line per module, sorted by path.
export { answerChallenge, authorizationHeaderName, type AnswerChallengeInput, type ChallengeAnswer } from './digest/answer-challenge.js';
export { parseAuthHeader, type AuthHeaderBlock } from './digest/auth-header-syntax.js';
export { buildDigestChallenges, challengeHeaderName, challengeHeaders, type DigestChallengeInput } from './digest/build-challenge.js';
export { computeDigestResponse, computeHa1, type DigestResponseInput } from './digest/compute-digest-response.js';
export { DIGEST_ALGORITHMS, type DigestAlgorithm } from './digest/digest-algorithm.js';
export { parseDigestCredentials, type DigestCredentials } from './digest/digest-credentials.js';
export { PBX_ERR_DIGEST_HEADER_INVALID, PBX_ERR_DIGEST_OPTIONS_INVALID, PBX_ERR_DIGEST_UNSUPPORTED } from './digest/digest-errors.js';
export type { DigestOutcome } from './digest/digest-outcome.js';
export { DigestVerifier, type DigestVerifierDeps, type DigestVerifierOptions, type DigestVerifyInput, type NonceReplayGuard } from './digest/digest-verifier.js';
export { NonceCodec, type NonceCheck, type NonceCodecOptions } from './digest/nonce-codec.js';
// SIP header helpers (./sip/*.ts) are exported below this line.
export { CLAIMED_BY_CALLER, claimOnce, replayCount } from './digest/replay-claim.js';
export { authenticateDigestClient, verifyPasswordDigest, type DigestClientAuthDeps, type DigestClientAuthInput, type DigestClientAuthResult } from './sip/digest-client-auth.js';
export { postRegHook, regHookBody, RegHookError, type RegHookFailure, type RegHookPostInput } from './sip/reg-hook-post.js';
export { badExtension, checkRequire, type RequireHeader, unsupportedOptionTags } from './sip/require-check.js';
export { parseNameAddr, type SipNameAddr } from './sip/name-addr.js';
export { parseParams, splitOutsideQuotes, type SipParams } from './sip/sip-params.js';
export { parseHostPort, parseUri, type SipUri } from './sip/sip-uri.js';
export { PBX_ERR_SIP_BAD_VALUE } from './sip/sip-value-error.js';
export { splitHeaderValues } from './sip/split-header-values.js';
