import { UiErrorSchema, type FieldIssue, type UiError } from '../../../src/shared/index.js';
import { carriedIssues } from '../../../src/shared/ui-call.js';

/** A failed call: its message, and the field issues the engine named (shown beside the fields). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
    /** The HTTP status over the web bridge; null over IPC or when no answer came. */
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * The UiError inside any thrown value: an ApiError (web bridge) carries it as fields; over Electron IPC only an
 * Error's message crosses the context bridge, so the preload puts the UiError's JSON in the message.
 */
export function uiErrorOf(err: unknown): UiError {
  const message = err instanceof Error ? err.message : String(err);
  const issues = carriedIssues(err);
  if (issues) return { error: message, issues };
  if (message.startsWith('{')) {
    try {
      const parsed = UiErrorSchema.safeParse(JSON.parse(message));
      if (parsed.success) return parsed.data;
    } catch {
      // Not JSON: the message is plain text.
    }
  }
  return { error: message, issues: [] };
}

export function issuesOf(err: unknown): FieldIssue[] {
  return uiErrorOf(err).issues;
}

export function messageOf(err: unknown): string {
  return uiErrorOf(err).error;
}
