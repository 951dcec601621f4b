import { UiErrorSchema, type UiError } from '../shared/ui-contract.js';
import { messageOf } from '../shared/errors.js';

/**
 * A refusal from the main process arrives as "Error invoking remote method 'janitor:x': Error: {json}". Only an
 * Error's message crosses the context bridge, so the preload rethrows an Error whose message is exactly the
 * UiError's JSON, and the renderer can `JSON.parse(error.message)`.
 */
const JSON_START = /(\{"error":.*)$/s;

export function uiErrorFromIpcMessage(message: string): UiError {
  const match = JSON_START.exec(message);
  if (match !== null) {
    try {
      const parsed = UiErrorSchema.safeParse(JSON.parse(match[1]!));
      if (parsed.success) return parsed.data;
    } catch {
      // Not our JSON: fall through to the plain message.
    }
  }
  return { error: message, issues: [] };
}

export function rethrowable(error: unknown): Error {
  return new Error(JSON.stringify(uiErrorFromIpcMessage(messageOf(error))));
}
