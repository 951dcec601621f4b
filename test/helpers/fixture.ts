import fs from 'node:fs';
import path from 'node:path';

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
      fs.writeFileSync(path.join(dir, 'AGENT_REGISTRY.json'), JSON.stringify({ task_id: taskName, ...extra, agents: list }, null, 2));
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
