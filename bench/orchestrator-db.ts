import fs from 'node:fs';
import path from 'node:path';
import { loadBetterSqlite3 } from '../src/core/workspace/state-db.js';
import { ORCHESTRATOR_DDL } from '../test/helpers/orchestrator.js';
import { STATE_DB_DIR, STATE_DB_FILE } from '../src/core/workspace/layout.js';

/** One agent, with the fields both generations record (the JSON registry's entry has the same names). */
export interface OrchestratorAgent {
  id: string;
  type: string;
  model: string;
  tmux_session: string;
  parent: string;
  depth: number;
  phase_index: number;
  tracked_files: Record<string, string>;
  started_at: string;
  completed_at: string | null;
  status: string;
  progress: number;
  last_update: string;
  prompt: string;
}

export interface OrchestratorTask {
  taskId: string;
  workspace: string;
  description: string;
  createdAt: string;
  agents: readonly OrchestratorAgent[];
}

/** Python's `datetime.now().isoformat()` shifted by `offsetMs`: local time, microseconds, no offset. */
export function pythonTime(offsetMs: number, now = Date.now()): string {
  const d = new Date(now + offsetMs);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}000`;
}

/** The task's AGENT_REGISTRY.json; a current orchestrator writes it with `agents: []` and never updates it. */
export function registryJson(task: OrchestratorTask, clientCwd: string, agents: readonly OrchestratorAgent[]): string {
  return JSON.stringify(
    {
      task_id: task.taskId,
      task_description: task.description,
      created_at: task.createdAt,
      workspace: task.workspace,
      client_cwd: clientCwd,
      status: 'INITIALIZED',
      priority: 'P2',
      agents,
      agent_hierarchy: { orchestrator: agents.map((a) => a.id) },
      max_agents: 45,
      max_depth: 5,
      max_concurrent: 20,
      total_spawned: agents.length,
      active_count: agents.filter((a) => a.status === 'running').length,
      completed_count: agents.filter((a) => a.status === 'completed').length,
    },
    null,
    2,
  );
}

/** Creates `<base>/registry/state.sqlite3` (WAL) with these tasks and their agents in one transaction, then closes it. */
export function writeStateDatabase(base: string, clientCwd: string, tasks: readonly OrchestratorTask[]): string {
  fs.mkdirSync(path.join(base, STATE_DB_DIR), { recursive: true });
  const file = path.join(base, STATE_DB_DIR, STATE_DB_FILE);
  const Database = loadBetterSqlite3();
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.exec(ORCHESTRATOR_DDL);
    const insertTask = db.prepare(
      `INSERT INTO tasks (task_id, workspace, workspace_base, description, status, priority, client_cwd, created_at, updated_at, current_phase_index)
       VALUES (?, ?, ?, ?, 'ACTIVE', 'P2', ?, ?, ?, 0)`,
    );
    const insertAgent = db.prepare(
      `INSERT INTO agents (agent_id, task_id, type, model, tmux_session, parent, depth, phase_index, claude_pid, cursor_pid,
         tracked_files, started_at, completed_at, status, progress, last_update, prompt_preview)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?, ?, ?, ?, ?)`,
    );
    db.transaction(() => {
      for (const task of tasks) {
        insertTask.run(task.taskId, task.workspace, base, task.description, clientCwd, task.createdAt, task.createdAt);
        for (const a of task.agents) {
          insertAgent.run(
            a.id,
            task.taskId,
            a.type,
            a.model,
            a.tmux_session,
            a.parent,
            a.depth,
            a.phase_index,
            JSON.stringify(a.tracked_files),
            a.started_at,
            a.completed_at,
            a.status,
            a.progress,
            a.last_update,
            a.prompt.slice(0, 200),
          );
        }
      }
    })();
  } finally {
    db.close();
  }
  return file;
}
