import { type Static, Type } from '@sinclair/typebox';
import { compileValidator } from '../../schema/validator.js';
import { formatIssues, type ValidationIssue } from '../../schema/validation-issue.js';
import { AnnounceVerbSchema } from './announce.js';
import { ConnectVerbSchema } from './connect.js';
import { PauseVerbSchema } from './pause.js';
import { PickupVerbSchema } from './pickup.js';
import { RecordVerbSchema } from './record.js';
import { ResponseVerbSchema } from './response.js';
import { PBX_ERR_SCRIPT_INVALID } from './script-invalid-error.js';

/** Every verb name, in the order docs/contract.md §4 lists them. */
export const VERB_NAMES = ['announce', 'connect', 'response', 'pause', 'record', 'pickup'] as const;
export type VerbName = (typeof VERB_NAMES)[number];

/** One step of a CallScript, discriminated on `verb`. */
export const VerbSchema = Type.Union([
  AnnounceVerbSchema,
  ConnectVerbSchema,
  ResponseVerbSchema,
  PauseVerbSchema,
  RecordVerbSchema,
  PickupVerbSchema,
]);
export type Verb = Static<typeof VerbSchema>;

/** The body of a CallHook answer: verbs run one after another (docs/contract.md §1.4). */
export const CallScriptSchema = Type.Array(VerbSchema, {
  maxItems: 100,
  title: 'CallScript',
  description: 'A list of verbs run one after another',
});
export type CallScript = Static<typeof CallScriptSchema>;

const validator = compileValidator(CallScriptSchema);

/** Rules JSON Schema states but TypeBox's compiler does not check (see connect-dest.ts). */
function extraIssues(script: CallScript): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  script.forEach((verb, i) => {
    if (verb.verb !== 'connect') return;
    const dests = Array.isArray(verb.dest) ? verb.dest : [verb.dest];
    dests.forEach((d, j) => {
      if (d.type === 'trunk' && d.trunk_id === undefined && d.trunk_name === undefined) {
        const at = Array.isArray(verb.dest) ? `/${i}/dest/${j}` : `/${i}/dest`;
        issues.push({ path: at, message: 'trunk destination needs trunk_id or trunk_name' });
      }
    });
  });
  return issues;
}

/** Every problem with `value` as a CallScript; empty when it is valid. */
export function callScriptIssues(value: unknown): ValidationIssue[] {
  const issues = validator.errors(value);
  return issues.length > 0 ? issues : extraIssues(value as CallScript);
}

/**
 * Returns `value` typed as a CallScript, or throws `PBX_ERR_SCRIPT_INVALID`
 * naming each offending JSON path. Unknown verbs are errors, not skipped.
 */
export function validateCallScript(value: unknown): CallScript {
  const issues = callScriptIssues(value);
  if (issues.length > 0) throw new PBX_ERR_SCRIPT_INVALID(formatIssues(issues));
  return value as CallScript;
}
