import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { UI_METHOD_NAMES, fieldIssues, uiMethods, type FieldIssue, type JanitorService, type UiMethodName } from '../shared/index.js';
import { callMethod, carriedIssues, parseInput } from '../shared/ui-call.js';
import { sendError, sendJson } from './responses.js';
import { messageOf } from '../shared/errors.js';

/** `POST /api/<method>`: one route per name of the shared contract, input and output both checked against it. */

export const MAX_BODY_BYTES = 1024 * 1024;

export function isUiMethod(name: string): name is UiMethodName {
  return (UI_METHOD_NAMES as readonly string[]).includes(name);
}

type Body = { ok: true; text: string } | { ok: false; status: 413 | 400; error: string };

/** Reads at most `limit` bytes; a larger body is refused as soon as its Content-Length or its bytes say so. */
function readBody(req: IncomingMessage, limit: number): Promise<Body> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit)
    return Promise.resolve({ ok: false, status: 413, error: `the body is over ${limit} bytes` });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (body: Body) => {
      if (settled) return;
      settled = true;
      resolve(body);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Stop buffering; the rest is drained and dropped, and the answer closes the connection.
        chunks.length = 0;
        settle({ ok: false, status: 413, error: `the body is over ${limit} bytes` });
      } else if (!settled) chunks.push(chunk);
    });
    req.on('end', () => settle({ ok: true, text: Buffer.concat(chunks).toString('utf8') }));
    req.on('error', (err) => settle({ ok: false, status: 400, error: `the body could not be read: ${err.message}` }));
  });
}

function describeIssues(issues: FieldIssue[]): string {
  const first = issues[0];
  return first ? ` at ${first.path || '(root)'}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}` : '';
}

export async function handleApiCall(
  method: UiMethodName,
  req: IncomingMessage,
  res: ServerResponse,
  service: JanitorService,
): Promise<void> {
  const body = await readBody(req, MAX_BODY_BYTES);
  if (!body.ok) {
    sendError(res, body.status, body.error, [], body.status === 413 ? { Connection: 'close' } : {});
    return;
  }
  let payload: unknown = {};
  if (body.text.trim() !== '') {
    try {
      payload = JSON.parse(body.text);
    } catch (err) {
      sendError(res, 400, `the body of ${method} is not JSON: ${messageOf(err)}`);
      return;
    }
  }
  const input = parseInput(method, payload);
  if (!input.ok) {
    sendError(res, 400, input.error.error, input.error.issues);
    return;
  }

  let result: unknown;
  try {
    result = await callMethod(service, method, input.input);
  } catch (err) {
    // Field issues mean the engine refused what was asked (400); anything else is its own failure (500).
    const issues = carriedIssues(err);
    sendError(res, issues === null ? 500 : 400, messageOf(err), issues ?? []);
    return;
  }
  const output = (uiMethods[method].output as z.ZodType).safeParse(result);
  if (!output.success) {
    // The service, not the caller, is at fault: say so, rather than hand the renderer a shape it cannot read.
    const issues = fieldIssues(output.error.issues);
    sendError(res, 500, `the janitor service broke the UI contract: its answer to ${method} is malformed${describeIssues(issues)}`, issues);
    return;
  }
  sendJson(res, 200, output.data);
}
