import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_TERMINAL_STATUSES } from '../../src/shared/index.js';

export interface AgentSpec {
  id: string;
  status: string;
  tmux_session?: string | null;
  [extra: string]: unknown;
}

export interface TaskFixture {
  dir: string;
  registry: string;
  logs: string;
  archive: string;
  log(name: string, content: string | Buffer): string;
  prompt(id: string, content?: string): string;
  writeRegistry(agents: unknown, extra?: Record<string, unknown>): void;
}

let counter = 0;

const TERMINAL: ReadonlySet<string> = new Set(DEFAULT_TERMINAL_STATUSES);

/**
 * The orchestrator records when an agent finished (`completed_at`). An entry given a terminal status without one gets
 * a time a minute back, so its finish grace (SPEC.md step 0) is over and a live session is cleaned at once, as the
 * tests written before the grace expect; test/integration/finish-grace.test.ts sets its own times.
 */
export function withCompletionTimes(list: unknown): unknown {
  if (!Array.isArray(list)) return list;
  const past = new Date(Date.now() - 60_000).toISOString();
  return list.map((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return entry;
    const record = entry as Record<string, unknown>;
    return typeof record.status === 'string' && TERMINAL.has(record.status) && !('completed_at' in record)
      ? { ...record, completed_at: past }
      : record;
  });
}

/** A task workspace as the orchestrator lays it out: TASK-<yyyymmdd>-<hhmmss>-<hex8>/ with registry, logs/, prompts. */
export function makeTask(workspace: string, agents: AgentSpec[] = [], name?: string): TaskFixture {
  counter++;
  const taskName = name ?? `TASK-20261124-${String(100000 + counter).slice(-6)}-${(0xa0000000 + counter).toString(16)}`;
  const dir = path.join(workspace, taskName);
  const logs = path.join(dir, 'logs');
  fs.mkdirSync(logs, { recursive: true });
  const fixture: TaskFixture = {
    dir,
    registry: path.join(dir, 'AGENT_REGISTRY.json'),
    logs,
    archive: path.join(dir, 'archive'),
    log(file, content) {
      const p = path.join(logs, file);
      fs.writeFileSync(p, content);
      return p;
    },
    prompt(id, content = `prompt for ${id}\n`) {
      const p = path.join(dir, `agent_prompt_${id}.txt`);
      fs.writeFileSync(p, content);
      return p;
    },
    writeRegistry(list, extra = {}) {
      fs.writeFileSync(
        path.join(dir, 'AGENT_REGISTRY.json'),
        JSON.stringify({ task_id: taskName, ...extra, agents: withCompletionTimes(list) }, null, 2),
      );
    },
  };
  fixture.writeRegistry(agents);
  return fixture;
}

export function listFiles(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
}
