import type { FieldIssue } from './ui-model.js';

type ZodLikeIssue = { path: readonly PropertyKey[]; message: string; code?: string; keys?: readonly string[] };

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
      out.push({ path: base.join('.'), message: issue.message });
    }
  }
  return out;
}

export function isZodLikeIssue(value: unknown): value is ZodLikeIssue {
  return typeof value === 'object' && value !== null && Array.isArray((value as ZodLikeIssue).path) && typeof (value as ZodLikeIssue).message === 'string';
}
