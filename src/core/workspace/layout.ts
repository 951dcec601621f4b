/**
 * Every file and folder name of an orchestrator workspace the janitor reads or writes, in one place
 * (ORCHESTRATOR.md for the orchestrator's own, SPEC.md for the janitor's).
 */

/** The workspace base a project holds: `<project>/.agent-workspace/`. */
export const WORKSPACE_DIR = '.agent-workspace';
/** Each task's folder in a workspace base: `TASK-<…>/`. */
export const TASK_DIR_PREFIX = 'TASK-';
/** The current orchestrator's state database: `<base>/registry/state.sqlite3`. */
export const STATE_DB_DIR = 'registry';
export const STATE_DB_FILE = 'state.sqlite3';

/** The older orchestrator's per-task registry. */
export const REGISTRY_FILE = 'AGENT_REGISTRY.json';
export const LOGS_DIR = 'logs';
export const PROGRESS_DIR = 'progress';
export const FINDINGS_DIR = 'findings';
/** The task folders an agent's archived files come from (SPEC.md "Input"). */
export const AGENT_FILE_DIRS = [LOGS_DIR, PROGRESS_DIR, FINDINGS_DIR] as const;
export type AgentFileDir = (typeof AGENT_FILE_DIRS)[number];
/** An agent's prompt file: `agent_prompt_<id>.txt`, in the task folder. */
export const PROMPT_PREFIX = 'agent_prompt_';
export const PROMPT_SUFFIX = '.txt';

export const ARCHIVE_DIR = 'archive';
/** The archived copy of an agent's pane: `archive/<id>_scrollback.txt`. */
export const SCROLLBACK_SUFFIX = '_scrollback.txt';
/** One line per archived file: what it was, where it came from, its hash. */
export const MANIFEST_FILE = 'MANIFEST.jsonl';
/** One line per cleaned agent and per user action on the task. */
export const JOURNAL_FILE = 'JOURNAL.jsonl';
export const JOURNAL_TARGET = `${ARCHIVE_DIR}/${JOURNAL_FILE}`;

/** The janitor's own files in a task folder. */
export const INTENTS_FILE = '.agent-janitor-intents.jsonl';
export const RESTORED_FILE = '.agent-janitor-restored.jsonl';
export const LOCK_NAME = '.agent-janitor.lock';
