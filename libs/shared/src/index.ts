// Public surface of @dragonpbx/shared. One export line per module; keep it sorted by area.
export { PbxError } from './errors/pbx-error.js';
export { createError, listErrorCodes, type PbxErrorClass } from './errors/create-error.js';
export { SipError } from './errors/sip-error.js';
export { compileValidator, type Validator, type ValidatorOptions } from './schema/validator.js';
export { PBX_ERR_VALIDATION } from './schema/validation-error.js';
export { formatIssues, type ValidationIssue } from './schema/validation-issue.js';
export { compileDialplan, type CompiledDialplan, type DialplanMatch } from './dialplan/compile-dialplan.js';
export { toDialplanTarget, type DialplanTarget, type DialplanValue } from './dialplan/dialplan-target.js';
export type { GlobSpecificity } from './dialplan/glob-alternative.js';
export { globMatch } from './dialplan/glob-match.js';
export { GlobPattern, compareSpecificity, MAX_PATTERN_EXPANSIONS, MAX_PATTERN_LENGTH } from './dialplan/glob-pattern.js';
export { PBX_ERR_DIALPLAN_INVALID, PBX_ERR_DIALPLAN_VALUE_INVALID, PBX_ERR_PATTERN_INVALID } from './dialplan/pattern-errors.js';
export { type Env, type LogLevel, type DataSource, type OtelTracesExporter, LOG_LEVELS, DATA_SOURCES, OTEL_TRACES_EXPORTERS } from './env/env.js';
export type { HostPort } from './env/host-port.js';
export { PBX_ERR_ENV_INVALID } from './env/env-invalid-error.js';
export { type EnvContext, SECRET_VARIABLES } from './env/env-spec.js';
export { loadEnv, loadEnvOrExit } from './env/load-env.js';
