import path from 'node:path';
import { appendLinesDurably } from '../base/durable-write.js';
import { taskFilePath } from '../base/task-folders.js';
import { readRegularFileSync } from '../base/safe-read.js';
import { INTENTS_FILE } from './layout.js';
import { jsonLines } from '../base/json-lines.js';

/**
 * The intent journal, `.agent-janitor-intents.jsonl` in each task folder. Before a cleanup kills anything, a `begin` line records
 * the agent and the processes of its session (pid + start time); after the outcome is journaled, an `end` line
 * closes it. A `begin` without its `end` is an interrupted cleanup: the next run finishes it whatever the registry
 * says, signals the remembered processes (re-identified by start time), and archives what is left. An `end` also
 * remembers that the janitor ended an agent the registry still calls running (idle, clean-agent), so it is reported
 * as cleaned rather than as a ghost.
 */

export interface RememberedProcess {
  pid: number;
  start: string;
}

export interface BeginIntent {
  op: 'begin';
  ts: string;
  agentId: string;
  reason: string;
  session: string | null;
  pids: RememberedProcess[];
}

export interface EndIntent {
  op: 'end';
  ts: string;
  agentId: string;
  reason: string;
}

export interface TaskIntents {
  pending: ReadonlyMap<string, BeginIntent>;
  ended: ReadonlyMap<string, EndIntent>;
}

/** Shared by every task without a journal (nearly all of them): two Maps per task add up at 10,000 tasks. */
export const NO_INTENTS: TaskIntents = Object.freeze({ pending: new Map<string, BeginIntent>(), ended: new Map<string, EndIntent>() });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Later lines win: a begin after an end reopens the agent, an end closes its begin. A torn last line is ignored. */
export function parseIntents(text: string): TaskIntents {
  const pending = new Map<string, BeginIntent>();
  const ended = new Map<string, EndIntent>();
  for (const rec of jsonLines(text)) {
    if (!isRecord(rec) || typeof rec.agentId !== 'string' || typeof rec.ts !== 'string' || typeof rec.reason !== 'string') continue;
    if (rec.op === 'begin') {
      const pids = Array.isArray(rec.pids)
        ? rec.pids.filter((p): p is RememberedProcess => isRecord(p) && Number.isInteger(p.pid) && typeof p.start === 'string')
        : [];
      pending.set(rec.agentId, {
        op: 'begin',
        ts: rec.ts,
        agentId: rec.agentId,
        reason: rec.reason,
        session: typeof rec.session === 'string' ? rec.session : null,
        pids,
      });
      ended.delete(rec.agentId);
    } else if (rec.op === 'end') {
      pending.delete(rec.agentId);
      ended.set(rec.agentId, { op: 'end', ts: rec.ts, agentId: rec.agentId, reason: rec.reason });
    }
  }
  return { pending, ended };
}

export function readIntents(taskDir: string): TaskIntents {
  return parseIntents(readRegularFileSync(path.join(taskDir, INTENTS_FILE)).toString('utf8'));
}

/** fsynced: a begin must be on disk before the first kill. */
export async function appendIntents(taskDir: string, records: readonly (BeginIntent | EndIntent)[]): Promise<void> {
  await appendLinesDurably(
    taskFilePath(taskDir, '', INTENTS_FILE),
    records.map((r) => JSON.stringify(r)),
  );
}
