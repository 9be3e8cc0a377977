import type { TSchema } from '@sinclair/typebox';
import { type ValueError, ValueErrorType } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import type { ValidationIssue } from './validation-issue.js';

// TypeBox reports a failed union as one opaque "Expected union value". Callers
// need to know *which* field is wrong, so unions are resolved here: by a
// discriminator property (`verb`, `type`, …) when the members share one, else by
// the JSON type of the value, and only then described as a list of alternatives.

type Schema = TSchema & Record<string, unknown>;

/**
 * Stop collecting after this many issues: TypeBox's error iterator is lazy, so
 * a huge malformed input costs no more than a small one.
 */
export const MAX_ISSUES = 50;

/** Lists the issues of `value` against `schema` (at most {@link MAX_ISSUES}), one per JSON path. */
export function describeErrors(schema: TSchema, value: unknown, base = ''): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  const add = (list: ValidationIssue[]) => {
    for (const issue of list) {
      if (seen.has(issue.path)) continue;
      seen.add(issue.path);
      issues.push(issue);
    }
  };
  for (const e of Value.Errors(schema, value)) {
    if (issues.length >= MAX_ISSUES) break;
    const path = base + e.path;
    if (seen.has(path)) continue;
    if (e.type === ValueErrorType.Union) add(describeUnion(e.schema as Schema, e.value, path));
    else add([{ path, message: messageOf(e) }]);
  }
  return issues;
}

function messageOf(e: ValueError): string {
  switch (e.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return 'required property missing';
    case ValueErrorType.ObjectAdditionalProperties:
      return 'unknown property';
    case ValueErrorType.Literal:
      return `expected ${String((e.schema as Schema).const)}`;
    case ValueErrorType.StringPattern:
    case ValueErrorType.StringFormat: {
      // A pattern is unreadable to a hook author; the schema's description says it in words.
      const { description } = e.schema as Schema;
      if (typeof description === 'string') return `expected ${description}`;
      return e.message.charAt(0).toLowerCase() + e.message.slice(1);
    }
    default:
      return e.message.charAt(0).toLowerCase() + e.message.slice(1);
  }
}

function describeUnion(schema: Schema, value: unknown, path: string): ValidationIssue[] {
  const members = (schema.anyOf as Schema[] | undefined) ?? [];
  const key = discriminatorOf(members);
  if (key !== undefined && isPlainObject(value)) {
    const tag = value[key];
    const match = members.filter((m) => constsOf(propertyOf(m, key)).includes(tag));
    if (match.length === 1 && match[0]) return describeErrors(match[0], value, path);
    const all = members.flatMap((m) => constsOf(propertyOf(m, key)));
    return [{ path: `${path}/${key}`, message: `expected one of ${all.map(String).join(', ')}` }];
  }
  // Descend into the one member of the value's JSON type, unless it is a literal:
  // for `true` against `string | false` the alternatives are the clearer message.
  const fitting = members.filter((m) => fitsJsonType(m, value));
  if (fitting.length === 1 && fitting[0] && !('const' in fitting[0])) {
    const inner = describeErrors(fitting[0], value, path);
    if (inner.length > 0) return inner;
  }
  return [{ path, message: `expected ${describeAlternatives(members)}` }];
}

/** A property every member is an object with, each holding literal values. */
function discriminatorOf(members: Schema[]): string | undefined {
  const first = members[0];
  if (!first || members.length < 2 || first.type !== 'object') return undefined;
  const props = (first.properties ?? {}) as Record<string, Schema>;
  return Object.keys(props).find((k) =>
    members.every((m) => m.type === 'object' && constsOf(propertyOf(m, k)).length > 0),
  );
}

function propertyOf(member: Schema, key: string): Schema | undefined {
  return (member.properties as Record<string, Schema> | undefined)?.[key];
}

function constsOf(s: Schema | undefined): unknown[] {
  if (!s) return [];
  if ('const' in s) return [s.const];
  if (Array.isArray(s.anyOf)) {
    const parts = (s.anyOf as Schema[]).map((m) => constsOf(m));
    return parts.every((p) => p.length > 0) ? parts.flat() : [];
  }
  return [];
}

function describeAlternatives(members: Schema[]): string {
  const names = [...new Set(members.flatMap(namesOf))];
  if (members.every((m) => 'const' in m) && names.length > 1) return `one of ${names.join(', ')}`;
  if (names.length === 1) return String(names[0]);
  if (names.length === 2) return `${names[0]} or ${names[1]}`;
  return `one of ${names.join(', ')}`;
}

// `type` is checked before `anyOf`: an object schema may carry an extra anyOf
// (e.g. "one of these properties is required") and is still an object.
function namesOf(s: Schema): string[] {
  if ('const' in s) return [String(s.const)];
  if (typeof s.type === 'string') return [s.type];
  if (Array.isArray(s.anyOf)) return (s.anyOf as Schema[]).flatMap(namesOf);
  return ['a valid value'];
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function fitsJsonType(s: Schema, value: unknown): boolean {
  const actual = jsonTypeOf(value);
  if ('const' in s) return jsonTypeOf(s.const) === actual;
  if (s.type === 'integer') return actual === 'number';
  if (typeof s.type === 'string') return s.type === actual;
  if (Array.isArray(s.anyOf)) return (s.anyOf as Schema[]).some((m) => fitsJsonType(m, value));
  return false;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
