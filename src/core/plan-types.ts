import type { ActionKind, AgentReport, InputError, Orphan } from '../shared/index.js';
import type { RememberedProcess } from './intents.js';
import type { FileEntry, TaskScan } from './task-scan.js';
import type { TmuxState } from './tmux/tmux-listing.js';

/** Everything the planner may look at: gathered once per sweep, never re-read while planning. */
export interface Snapshot {
  now: number;
  tasks: TaskView[];
  tmux: TmuxState;
  errors: InputError[];
}

export interface TaskView {
  scan: TaskScan;
  /** Log files per agent id, each file given to exactly one agent. */
  logsByAgent: ReadonlyMap<string, FileEntry[]>;
  /** Newest log mtime per agent, only for agents that are not finished (idle and ghost checks need it). */
  lastLogWriteMs: ReadonlyMap<string, number>;
}

export interface PlanPolicy {
  sessionPattern: RegExp;
  terminalStatuses: ReadonlySet<string>;
  idleMinutes: number | null;
  ghostGraceSeconds: number;
  pins: ReadonlySet<string>;
  /** clean-agent: clean exactly this agent whatever its status, and report nothing else. */
  onlyAgent: string | null;
  /** Orphan sessions can only be told from a scan of every registry; a partial (per-task) sweep must not guess. */
  fullScan: boolean;
  /** Tasks whose agents are neither judged nor acted on (open circuit breakers); their registries still name sessions. */
  excludeTasks: ReadonlySet<string>;
  /**
   * Times the machine was asleep (wall-clock jumps the daemon saw), as [resumed-at epoch ms, length ms]: silence while
   * suspended is not idleness, so a sleep after an agent's last output is subtracted from its idle time.
   */
  suspensions: readonly (readonly [number, number])[];
}

interface ActionBase<K extends ActionKind> {
  kind: K;
  /** Absolute task folder. */
  task: string;
  agentId: string;
  target: string;
  reason: string;
  /** Planned but deliberately not carried out; the string says why. */
  skip?: string;
}

export type PlannedAction =
  | (ActionBase<'capture-scrollback'> & { session: string; paneIds: string[] })
  | (ActionBase<'kill-session'> & { session: string; sessionId: string })
  | (ActionBase<'signal-processes'> & { session: string; remembered: RememberedProcess[] })
  | (ActionBase<'archive-file'> & { file: string })
  | (ActionBase<'delete-prompt'> & { file: string })
  | ActionBase<'record-outcome'>;

export interface Plan {
  agents: AgentReport[];
  actions: PlannedAction[];
  orphans: Orphan[];
  errors: InputError[];
}
