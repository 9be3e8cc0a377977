export { SipServer, type SipServerStats } from './server.js';
export * from './server-options.js';
// SIP core (src/sip, src/transport, src/transaction, sip-stack)
export { SipStack, type SipStackDeps, type ResolvedSipStackOptions } from './sip-stack.js';
export type { SipStackOptions } from './sip-stack-options.js';
export type { SipStackEvents } from './sip-stack-events.js';
export type { SipStackStats } from './sip-stack-stats.js';
export { type SipTimers, type SipTimerInput, resolveTimers } from './timers.js';
export type { StackLogger } from './stack-logger.js';
export { SipMessage } from './sip/sip-message.js';
export { SipRequest } from './sip/sip-request.js';
export { SipResponse } from './sip/sip-response.js';
export type { SipHeader } from './sip/sip-header.js';
export { parseMessage, type ParseOptions } from './sip/parse-message.js';
export { SipParseError } from './sip/sip-parse-error.js';
export { SipStreamFramer, type FramerItem } from './sip/stream-framer.js';
export { type SipUri, parseUri, formatUri, formatHost, formatHostPort, parseHostPort } from './sip/sip-uri.js';
export { type NameAddr, parseNameAddr, formatNameAddr, tagOf } from './sip/name-addr.js';
export { type Via, parseVia, formatVia, BRANCH_MAGIC_COOKIE } from './sip/via.js';
export { type CSeq, parseCSeq } from './sip/cseq.js';
export { type SipParams, parseParams, formatParams } from './sip/params.js';
export { splitHeaderValues } from './sip/split-header-values.js';
export { headerKey, isListHeader } from './sip/compact-forms.js';
export { makeResponse, REASON_PHRASES } from './sip/make-response.js';
export { nextHopUri } from './sip/next-hop-uri.js';
export { randomToken, newBranch } from './sip/random-token.js';
export * from './sip/errors.js';
export { TransactionState } from './transaction/transaction-state.js';
export { ServerTransaction } from './transaction/server-transaction.js';
export { ClientTransaction } from './transaction/client-transaction.js';
export type { ServerTransactionEvents, ClientTransactionEvents } from './transaction/transaction-events.js';
export type {
  TransportProtocol,
  ListenContact,
  BoundContact,
  SipConnection,
  MessageSource,
  Destination,
  SentInfo,
} from './transport/transport-types.js';
export { resolveTarget, type Resolver, type ResolvedTarget } from './transport/resolve-target.js';
// Drop-in command line, policy, ops (src/cli, src/policy, src/ops)
export { resolveCli, DEFAULT_CONFIG_FILE, type CliInputs, type CliPlan } from './cli/resolve-cli.js';
export { runCli, type RunCliDeps, type RunCliResult } from './cli/run-cli.js';
export { PBX_ERR_SIP_CLI_INVALID, PBX_ERR_SIP_CONFIG_FILE } from './cli/cli-errors.js';
export { compilePolicy, type PolicySource, type SpammerRulesSource } from './policy/compile-policy.js';
export { createPolicy, type PolicyConfig, type PolicyEvent, type PolicyObserver, type PolicyResponse } from './policy/create-policy.js';
export { PBX_ERR_SIP_POLICY_RULE } from './policy/policy-errors.js';
export { SipServerMetrics, type SipServerMetricsOptions } from './ops/sip-server-metrics.js';
export { startOpsServer, type OpsServer as SipOpsServer, type OpsServerOptions as SipOpsServerOptions } from './ops/ops-server.js';
export type { MetricsSnapshot, MetricsSourceFn } from './ops/metrics-source.js';
