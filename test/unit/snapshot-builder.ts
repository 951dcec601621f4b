/** Hand-built planner inputs: no file system, no tmux. Shared by planner.test.ts and planner-property.test.ts. */
import { DEFAULT_TERMINAL_STATUSES, type ActionKind } from '../../src/shared/index.js';
import { matchAgentFiles } from '../../src/core/archive/file-match.js';
import type { TaskIntents } from '../../src/core/workspace/intents.js';
import type { PlanPolicy, PlannedAction, Snapshot, TaskView } from '../../src/core/sweep/plan-types.js';
import type { RegistryAgent, RegistryRead } from '../../src/core/workspace/json-registry.js';
import type { FileEntry } from '../../src/core/workspace/task-scan.js';
import type { TmuxSession } from '../../src/core/platform/tmux-listing.js';
import { mergeAgents } from '../../src/core/workspace/source-merge.js';
import type { SourcedAgent } from '../../src/core/workspace/sourced-agent.js';

export const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
export const MIN = 60_000;
export const ROOT = '/work/project';

export const SPEC_ORDER: readonly ActionKind[] = [
  'capture-scrollback',
  'kill-session',
  'signal-processes',
  'archive-file',
  'delete-prompt',
  'record-outcome',
];

export interface AgentSpec {
  id: string;
  status: string;
  session?: string | null;
  sessionProblem?: string | null;
  pinned?: boolean;
  rawSession?: string | null;
  completedAtMs?: number | null;
  lastUpdateMs?: number | null;
}

export interface TaskSpec {
  name: string;
  agents: AgentSpec[];
  /** Registry mtime; defaults to long ago. */
  registryMtimeMs?: number;
  fatal?: boolean;
  /** Files in logs/ (names, or entries without their folder). */
  logs?: Omit<FileEntry, 'dir'>[] | string[];
  /** Files in any agent folder. */
  files?: FileEntry[];
  prompts?: (string | Omit<FileEntry, 'dir'>)[];
  archiveRefusal?: string | null;
  /** Agents of the orchestrator's state database for this task (merged over the registry's, as a sweep does). */
  dbAgents?: AgentSpec[];
  dbFatal?: boolean;
  lastLogWriteMs?: Record<string, number>;
  intents?: TaskIntents;
}

export function agent(spec: AgentSpec, index: number): RegistryAgent {
  return {
    id: spec.id,
    status: spec.status,
    session: spec.session ?? null,
    sessionProblem: spec.sessionProblem ?? null,
    rawSession: spec.rawSession !== undefined ? spec.rawSession : (spec.session ?? null),
    pinned: spec.pinned ?? false,
    completedAtMs: spec.completedAtMs ?? null,
    lastUpdateMs: spec.lastUpdateMs ?? null,
    source: 'registry',
    origin: 'AGENT_REGISTRY.json',
    index,
  };
}

export function dbAgent(spec: AgentSpec): SourcedAgent {
  const sourced: SourcedAgent = { ...agent(spec, 0), source: 'database', origin: `${ROOT}/.agent-workspace/registry/state.sqlite3` };
  return sourced;
}

export function taskDir(name: string): string {
  return `${ROOT}/.agent-workspace/${name}`;
}

export function task(spec: TaskSpec): TaskView {
  const dir = taskDir(spec.name);
  const file = `${dir}/AGENT_REGISTRY.json`;
  const registry: RegistryRead = spec.fatal
    ? {
        path: file,
        mtimeMs: spec.registryMtimeMs ?? 0,
        agents: [],
        fatal: { path: file, message: 'invalid JSON' },
        errors: [{ path: file, message: 'invalid JSON' }],
      }
    : { path: file, mtimeMs: spec.registryMtimeMs ?? NOW - 24 * 60 * MIN, agents: spec.agents.map(agent), fatal: null, errors: [] };
  const logs: FileEntry[] = (spec.logs ?? []).map((f) =>
    typeof f === 'string' ? { dir: 'logs' as const, name: f, kind: 'file' as const } : { dir: 'logs' as const, name: f.name, kind: f.kind },
  );
  const files = [...logs, ...(spec.files ?? [])];
  const prompts = new Map<string, Omit<FileEntry, 'dir'>>();
  for (const p of spec.prompts ?? []) {
    const entry = typeof p === 'string' ? { name: `agent_prompt_${p}.txt`, kind: 'file' as const } : { name: p.name, kind: p.kind };
    prompts.set(entry.name.slice('agent_prompt_'.length, -'.txt'.length), entry);
  }
  const agents = mergeAgents(registry.agents, (spec.dbAgents ?? []).map(dbAgent));
  const refusals = new Map<string, string>(spec.archiveRefusal ? [['archive', spec.archiveRefusal]] : []);
  return {
    scan: {
      ref: { dir, name: spec.name, root: ROOT },
      registry,
      files,
      refusals,
      archiveExists: true,
      prompts,
      intents: spec.intents ?? { pending: new Map(), ended: new Map() },
      errors: [],
    },
    agents,
    unreadable: spec.fatal === true || spec.dbFatal === true,
    databaseMtimeMs: 0,
    filesByAgent: matchAgentFiles(files, new Set(agents.map((a) => a.id))),
    lastLogWriteMs: new Map(Object.entries(spec.lastLogWriteMs ?? {})),
  };
}

export interface SessionSpec {
  name: string;
  id?: string;
  lastActivityMs?: number;
  panes?: number;
  /** The panes' processes have exited (remain-on-exit). */
  dead?: boolean;
}

export function snapshot(tasks: TaskView[], sessions: SessionSpec[] = [], tmuxError: string | null = null): Snapshot {
  const map = new Map<string, TmuxSession>();
  sessions.forEach((s, i) => {
    const panes = Array.from({ length: s.panes ?? 1 }, (_, p) => ({
      paneId: `%${i * 10 + p}`,
      panePid: 1000 + i * 10 + p,
      historySize: 5,
      dead: s.dead === true,
    }));
    map.set(s.name, { id: s.id ?? `$${i}`, name: s.name, lastActivityMs: s.lastActivityMs ?? NOW, panes });
  });
  return {
    now: NOW,
    tasks,
    tmux: { serverPid: tmuxError ? null : 99, sessions: tmuxError ? new Map() : map, error: tmuxError },
    errors: [],
  };
}

export function policy(overrides: Partial<PlanPolicy> = {}): PlanPolicy {
  return {
    sessionPattern: /^agent_/,
    terminalStatuses: new Set(DEFAULT_TERMINAL_STATUSES),
    idleMinutes: 110,
    ghostGraceSeconds: 120,
    pins: new Set(),
    onlyAgent: null,
    fullScan: true,
    excludeTasks: new Set(),
    suspensions: [],
    finishGraceMs: 0,
    terminalSince: new Map(),
    ...overrides,
  };
}

export const kinds = (actions: readonly PlannedAction[]): ActionKind[] => actions.map((a) => a.kind);
export const live = (actions: readonly PlannedAction[]): PlannedAction[] => actions.filter((a) => a.skip === undefined);
