import type { FieldIssue } from './ui-model.js';

type ZodLikeIssue = {
  path: readonly PropertyKey[];
  message: string;
  code?: string;
  keys?: readonly string[];
  expected?: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  values?: readonly unknown[];
};

const KINDS: Readonly<Record<string, string>> = {
  number: 'a number',
  int: 'a whole number',
  boolean: 'on or off',
  array: 'a list',
  string: 'text',
  object: 'a group of settings',
};

function bound(issue: ZodLikeIssue, limit: number | bigint, side: 'min' | 'max'): string {
  const n = Number(limit);
  const exclusive = issue.inclusive === false;
  if (issue.origin === 'string') {
    if (side === 'min') return n <= 1 ? 'must not be empty' : `must have at least ${n} characters`;
    return `must have at most ${n} characters`;
  }
  if (issue.origin === 'array' || issue.origin === 'set')
    return side === 'min'
      ? `must have at least ${n} ${n === 1 ? 'entry' : 'entries'}`
      : `must have at most ${n} ${n === 1 ? 'entry' : 'entries'}`;
  if (side === 'min') return exclusive ? `must be more than ${n}` : `must be at least ${n}`;
  return exclusive ? `must be less than ${n}` : `must be at most ${n}`;
}

/**
 * A schema issue in plain words for the person at the form ("must be a whole number"), not the schema's own text
 * ("Invalid input: expected int, received number"). Issues the schemas word themselves (refinements) keep their text.
 */
export function plainMessage(issue: ZodLikeIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${KINDS[issue.expected ?? ''] ?? issue.expected ?? 'something else'}`;
    case 'too_small':
      return issue.minimum === undefined ? issue.message : bound(issue, issue.minimum, 'min');
    case 'too_big':
      return issue.maximum === undefined ? issue.message : bound(issue, issue.maximum, 'max');
    case 'invalid_value':
      return issue.values && issue.values.length > 0 ? `must be one of: ${issue.values.map(String).join(', ')}` : issue.message;
    case 'invalid_format':
      return 'is not written the way it should be';
    default:
      return issue.message;
  }
}

/**
 * A zod error's issues as the UI shows them: by dotted field path (`retention.maxAgeDays`; '' for the whole object), so each one lands beside
 * its field; an unknown key is named by its own path. One definition for the settings store, IPC and the bridge.
 */
export function fieldIssues(issues: readonly ZodLikeIssue[]): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of issues) {
    const base = issue.path.map(String);
    if (issue.code === 'unrecognized_keys' && issue.keys !== undefined && issue.keys.length > 0) {
      for (const key of issue.keys) out.push({ path: [...base, key].join('.'), message: `unknown field "${key}"` });
    } else {
      out.push({ path: base.join('.'), message: plainMessage(issue) });
    }
  }
  return out;
}

export function isZodLikeIssue(value: unknown): value is ZodLikeIssue {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as ZodLikeIssue).path) &&
    typeof (value as ZodLikeIssue).message === 'string'
  );
}
