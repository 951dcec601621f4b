import type { ActionKind, AgentReport, InputError, Orphan } from '../../shared/index.js';
import type { RememberedProcess } from '../workspace/intents.js';
import type { SourcedAgent } from '../workspace/sourced-agent.js';
import type { FileEntry, TaskScan } from '../workspace/task-scan.js';
import type { TmuxState } from '../platform/tmux-listing.js';
import { type AgentFileDir } from '../workspace/layout.js';

/** Everything the planner may look at: gathered once per sweep, never re-read while planning. */
export interface Snapshot {
  now: number;
  tasks: TaskView[];
  tmux: TmuxState;
  errors: InputError[];
}

export interface TaskView {
  scan: TaskScan;
  /** The task's agents from every source, merged (the database wins where both name an agent). */
  agents: readonly SourcedAgent[];
  /** A source of this task could not be read, so agents may be missing (their sessions then look like orphans). */
  unreadable: boolean;
  /** When the database behind this task's agents last changed (ms), for agents without a `last_update`; 0 if none. */
  databaseMtimeMs: number;
  /** Agent files (logs/, progress/, findings/) per agent id, each file given to exactly one agent. */
  filesByAgent: ReadonlyMap<string, FileEntry[]>;
  /** Newest file mtime per agent, only for agents that are not finished (idle and ghost checks need it). */
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
  /** SPEC.md step 0: a finished agent whose panes still run is left this long to exit on its own; 0 turns it off. */
  finishGraceMs: number;
  /** When the daemon first saw each agent (task folder + NUL + id) in a terminal status; a one-shot sweep knows none. */
  terminalSince: ReadonlyMap<string, number>;
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
  | (ActionBase<'archive-file'> & { dir: AgentFileDir; file: string })
  | (ActionBase<'delete-prompt'> & { file: string })
  /** `resumed`: the agent's cleanup was interrupted (its `begin` intent has no `end`); its session as then noted. */
  | (ActionBase<'record-outcome'> & { resumed?: { session: string | null } });

export interface Plan {
  agents: AgentReport[];
  actions: PlannedAction[];
  orphans: Orphan[];
  errors: InputError[];
}
