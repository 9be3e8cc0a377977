import { parseCidr } from '../cidr/cidr-block.js';
import { GlobPattern } from '../dialplan/glob-pattern.js';
import type { ClientConfig, ClientEntry } from '../model/config-client.js';
import type { Dialplan } from '../model/config-dialplan.js';
import type { TrunkConfig, TrunkEntry, TrunkOutbound, TrunkRegister } from '../model/config-trunk.js';
import type { ValidationIssue } from '../schema/validation-issue.js';
import { pointerToken } from './json-pointer.js';

// Schema validation has already run; these functions check what a schema
// cannot express (patterns compile, CIDRs parse, one credential source) and
// turn the lenient input shapes into one normalised shape.

/** A non-blank string, else `undefined` (the feed sends `null` and `""` for unset). */
function text(v: string | null | undefined): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

function patternIssue(pattern: string, path: string, issues: ValidationIssue[]): void {
  try {
    new GlobPattern(pattern);
  } catch (err) {
    issues.push({ path, message: (err as Error).message });
  }
}

function checkDialplan(dialplan: Dialplan, path: string, issues: ValidationIssue[]): void {
  for (const key of Object.keys(dialplan)) patternIssue(key, `${path}/dialplan/${pointerToken(key)}`, issues);
}

/** Normalises one client; problems go to `issues` with JSON pointers under `path`. */
export function normaliseClient(e: ClientEntry, path: string, issues: ValidationIssue[]): ClientConfig {
  patternIssue(e.username, `${path}/username`, issues);
  const reghook = text(e.reghook);
  const password = text(e.password);
  // docs/contract.md §2.2: a RegHook, when set, wins; otherwise the entry is the credential record.
  if (!reghook && !password) issues.push({ path, message: 'client needs a reghook or a password' });
  const out: ClientConfig = { id: e.id, username: e.username, maxClients: e.maxClients ?? 1 };
  if (reghook) out.reghook = reghook;
  if (password) out.password = password;
  if (e.dialplan) {
    checkDialplan(e.dialplan, path, issues);
    out.dialplan = e.dialplan;
  }
  if (e.codecs) out.codecs = e.codecs;
  if (e.expires != null) out.expires = e.expires;
  const label = text(e.label);
  if (label) out.label = label;
  const authType = text(e.authType);
  if (authType) out.authType = authType;
  return out;
}

function normaliseOutbound(e: TrunkEntry): TrunkOutbound | undefined {
  const host = text(e.outbound?.host);
  const username = text(e.outbound?.username);
  const password = text(e.outbound?.password);
  if (!host && !username && !password) return undefined;
  const out: TrunkOutbound = {};
  if (host) out.host = host;
  if (username) out.username = username;
  if (password) out.password = password;
  return out;
}

/**
 * docs/contract.md §2.3: a trunk registers iff it has `register`; the api feed's
 * `authType:"registration"` with `regHost/regUser/regPass` maps onto it
 * (falling back to the outbound host and credentials, as the admin UI does).
 */
function normaliseRegister(
  e: TrunkEntry,
  outbound: TrunkOutbound | undefined,
  path: string,
  issues: ValidationIssue[],
): TrunkRegister | undefined {
  if (e.register) return e.register;
  if (text(e.authType) !== 'registration') return undefined;
  const host = text(e.regHost) ?? outbound?.host;
  const username = text(e.regUser) ?? outbound?.username;
  const password = text(e.regPass) ?? outbound?.password;
  if (!host) issues.push({ path: `${path}/regHost`, message: 'registration trunk needs regHost (or outbound.host)' });
  if (!username) issues.push({ path: `${path}/regUser`, message: 'registration trunk needs regUser' });
  if (!password) issues.push({ path: `${path}/regPass`, message: 'registration trunk needs regPass' });
  return host && username && password ? { host, username, password } : undefined;
}

/** Normalises one trunk; problems go to `issues` with JSON pointers under `path`. */
export function normaliseTrunk(e: TrunkEntry, path: string, issues: ValidationIssue[]): TrunkConfig {
  const inbound: string[] = [];
  (e.inbound ?? []).forEach((c, i) => {
    try {
      parseCidr(c);
      inbound.push(c.trim());
    } catch (err) {
      issues.push({ path: `${path}/inbound/${i}`, message: (err as Error).message });
    }
  });
  const out: TrunkConfig = { id: e.id, inbound, options_ping: e.options_ping ?? true };
  const name = text(e.name);
  if (name) out.name = name;
  const label = text(e.label);
  if (label) out.label = label;
  const outbound = normaliseOutbound(e);
  if (outbound) out.outbound = outbound;
  if (e.dialplan) {
    checkDialplan(e.dialplan, path, issues);
    out.dialplan = e.dialplan;
  }
  if (e.codecs) out.codecs = e.codecs;
  const authType = text(e.authType);
  if (authType) out.authType = authType;

  // One rule for inbound digest auth: when authType is set it decides; when it
  // is not (json files), having both authUser and authPass means yes.
  const authUser = text(e.authUser);
  const authPass = text(e.authPass);
  const wantsAuth = authType ? authType === 'authentication' : Boolean(authUser || authPass);
  if (wantsAuth) {
    if (!authUser) issues.push({ path: `${path}/authUser`, message: 'authenticating trunk needs authUser' });
    if (!authPass) issues.push({ path: `${path}/authPass`, message: 'authenticating trunk needs authPass' });
    if (authUser && authPass) {
      out.authUser = authUser;
      out.authPass = authPass;
    }
  }
  const register = normaliseRegister(e, outbound, path, issues);
  if (register) out.register = register;
  return out;
}
