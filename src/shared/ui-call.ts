import { fieldIssues, isZodLikeIssue } from './field-issues.js';
import { uiMethods, type JanitorService, type UiError, type UiMethodName, type UiOutput } from './ui-contract.js';
import { FieldIssueSchema, type FieldIssue } from './ui-model.js';
import { messageOf } from './errors.js';

/**
 * One call of the UI contract as its two carriers serve it: Electron IPC (src/electron-main/ipc-contract.ts) and
 * HTTP (src/bridge/api-router.ts). Shared so that both refuse a payload, and pass on a failure's field issues, alike.
 */

/** What the service gets: the input after its schema's defaults. */
export type ServiceInput<M extends UiMethodName> = Parameters<JanitorService[M]>[0];

export type ParsedInput<M extends UiMethodName> = { ok: true; input: ServiceInput<M> } | { ok: false; error: UiError };

/** The payload checked against the method's input schema, with its defaults applied. */
export function parseInput<M extends UiMethodName>(method: M, payload: unknown): ParsedInput<M> {
  const result = uiMethods[method].input.safeParse(payload);
  if (result.success) return { ok: true, input: result.data as ServiceInput<M> };
  return { ok: false, error: { error: `invalid input for ${method}`, issues: fieldIssues(result.error.issues) } };
}

export function callMethod<M extends UiMethodName>(service: JanitorService, method: M, input: ServiceInput<M>): Promise<UiOutput<M>> {
  return (service[method] as (input: ServiceInput<M>) => Promise<UiOutput<M>>).call(service, input);
}

/**
 * The field issues a failure carries, so the UI can show each beside its field: the engine's own (already
 * `{ path: 'agentId', message }`) or a zod error's (path as an array). Null when it carries none of either shape.
 */
export function carriedIssues(error: unknown): FieldIssue[] | null {
  if (typeof error !== 'object' || error === null || !('issues' in error) || !Array.isArray(error.issues)) return null;
  const own = FieldIssueSchema.array().safeParse(error.issues);
  if (own.success) return own.data;
  const issues: unknown[] = error.issues;
  return issues.every(isZodLikeIssue) ? fieldIssues(issues) : null;
}

/** Any failure as the UI shows it: its message, and the field issues it carries. */
export function uiErrorOf(error: unknown): UiError {
  return { error: messageOf(error), issues: carriedIssues(error) ?? [] };
}
