import { z } from 'zod';
import { ConfigSchema } from './config-schema.js';
import { SweepCountsSchema, WatchModeSchema } from './daemon-schema.js';
import { ActionResultSchema, AgentReportSchema, OrphanSchema } from './report-schema.js';

/**
 * What the window shows. The same shapes cross Electron IPC and the web bridge, so the renderer cannot tell which
 * one it runs over.
 */

/** The tray icon's states; the window's header shows the same one. */
export const TrayStateSchema = z.enum(['idle', 'working', 'attention', 'paused', 'error']);
export type TrayState = z.infer<typeof TrayStateSchema>;

export const UiStateSchema = z.object({
  tray: TrayStateSchema,
  /** The status line: the tray menu's first line and the window's header. */
  message: z.string(),
  paused: z.boolean(),
  sweeping: z.boolean(),
  ...SweepCountsSchema.shape,
  alerts: z.number().int(),
  watch: WatchModeSchema.nullable(),
  /** 'desktop' in Electron, 'web' behind `daemon --ui`: the renderer hides what only the desktop can do. */
  host: z.enum(['desktop', 'web']),
});
export type UiState = z.infer<typeof UiStateSchema>;

export const FileInfoSchema = z.object({
  /** Relative to the task folder, e.g. `logs/<id>_stream.jsonl`. */
  path: z.string(),
  bytes: z.number().int(),
  mtime: z.string().nullable(),
});
export type FileInfo = z.infer<typeof FileInfoSchema>;

/** An agent as the Agents view lists it: the sweep's report of it, with its task's place and the files it still has. */
export const AgentRowSchema = AgentReportSchema.extend({
  /** Task folder name, `TASK-...` (the report's `task` is the absolute folder, here `taskDir`). */
  task: z.string(),
  /** Absolute task folder, the key for actions. */
  taskDir: z.string(),
  root: z.string(),
  files: z.array(FileInfoSchema),
  /** Sum of `files`. */
  bytes: z.number().int(),
});
export type AgentRow = z.infer<typeof AgentRowSchema>;

export const AlertKindSchema = z.enum([
  'orphan-session',
  'ghost-agent',
  'suspect',
  'zombie',
  'leftover-process',
  'stalled',
  'breaker',
  'idle-warning',
  'error',
]);
export type AlertKind = z.infer<typeof AlertKindSchema>;

export const AlertFixSchema = z.object({
  /** The button's label, e.g. "Kill session". */
  label: z.string(),
  /** What pressing it does, in words, shown before it is pressed. */
  effect: z.string(),
  /** Why it cannot run now (the button is disabled and says so); absent when it can. */
  blocked: z.string().optional(),
});

export const AlertSchema = z.object({
  /** Stable across refreshes for the same problem, so a notification click can open the window at it. */
  id: z.string(),
  kind: AlertKindSchema,
  severity: z.enum(['info', 'warning', 'error']),
  title: z.string(),
  /** Why this is a problem and what the janitor did (or will do) about it. */
  explanation: z.string(),
  task: z.string().nullable(),
  agentId: z.string().nullable(),
  since: z.string(),
  /** null when there is nothing one click can safely do (a zombie waits for its parent). */
  fix: AlertFixSchema.nullable(),
  orphan: OrphanSchema.nullable(),
});
export type Alert = z.infer<typeof AlertSchema>;

export const ArchiveFileSchema = z.object({
  /** Relative to the task folder, e.g. `archive/<id>_stream.jsonl`, or `archive/<id>_stream.jsonl.gz` once compressed. */
  path: z.string(),
  agentId: z.string(),
  /** Where it came from, relative to the task folder (`logs/x`, `progress/x`, `findings/x`, or `tmux:<session>`). */
  source: z.string(),
  bytes: z.number().int(),
  storedBytes: z.number().int(),
  /** When it was first archived (compressing it later keeps this). */
  archivedAt: z.string(),
  sha256: z.string(),
});
export type ArchiveFile = z.infer<typeof ArchiveFileSchema>;

export const ArchiveTaskSchema = z.object({
  task: z.string(),
  taskDir: z.string(),
  root: z.string(),
  files: z.array(ArchiveFileSchema),
  bytes: z.number().int(),
  storedBytes: z.number().int(),
  /** bytes / storedBytes; 1 when nothing is compressed, null when empty. */
  ratio: z.number().nullable(),
  oldest: z.string().nullable(),
  newest: z.string().nullable(),
});
export type ArchiveTask = z.infer<typeof ArchiveTaskSchema>;

export const RetentionPlanSchema = z.object({
  maxAgeDays: z.number().nullable(),
  maxBytesPerRoot: z.number().nullable(),
  /** Days after which an archived file is gzipped in place; null when compression is off. */
  compressAfterDays: z.number().nullable(),
  /** Uncompressed archived files now due for compression (none past the age limit: those are removed instead). */
  compress: z.array(
    z.object({ taskDir: z.string(), path: z.string(), bytes: z.number().int(), archivedAt: z.string(), reason: z.string() }),
  ),
  /** Their uncompressed size. */
  compressBytes: z.number().int(),
  /** In a preview, the size limit is reckoned before compressing; Apply compresses first, so it may remove fewer. */
  remove: z.array(
    z.object({ taskDir: z.string(), path: z.string(), storedBytes: z.number().int(), archivedAt: z.string(), reason: z.string() }),
  ),
  reclaimBytes: z.number().int(),
  /** Due files left alone, and why: e.g. content that no longer matches its manifest, or a task another janitor holds. */
  skipped: z.array(z.object({ taskDir: z.string(), path: z.string(), reason: z.string() })),
});
export type RetentionPlan = z.infer<typeof RetentionPlanSchema>;

export const UsageSplitSchema = z.object({ logs: z.number().int(), archive: z.number().int(), other: z.number().int() });

export const DiskUsageSchema = z.object({
  roots: z.array(
    UsageSplitSchema.extend({
      root: z.string(),
      freeBytes: z.number().nullable(),
      totalBytes: z.number().nullable(),
      tasks: z.array(UsageSplitSchema.extend({ task: z.string(), taskDir: z.string() })),
    }),
  ),
  /** Samples over time, oldest first, summed over the roots. */
  history: z.array(UsageSplitSchema.extend({ ts: z.string(), freeBytes: z.number().nullable() })),
  reclaimableBytes: z.number().int(),
});
export type DiskUsage = z.infer<typeof DiskUsageSchema>;

export const ActivityEntrySchema = z.object({
  ts: z.string(),
  task: z.string(),
  agentId: z.string(),
  reason: z.string(),
  /** Engine actions (ActionKind) and what the user did from the UI (`restore-archive`, `delete-archive`, `kill-orphan-session`, ...). */
  results: z.array(ActionResultSchema.pick({ target: true, outcome: true, detail: true, error: true }).extend({ kind: z.string() })),
  /** A retention run: its entries in each task it touched carry the same id, and Activity shows them as one. */
  run: z.string().optional(),
});
export type ActivityEntry = z.infer<typeof ActivityEntrySchema>;

export const SettingsSchema = z.object({
  config: ConfigSchema,
  /** The file the settings are saved to. */
  path: z.string(),
  /** Keys fixed by the command line or environment, which a save cannot change. */
  overridden: z.array(z.string()),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const FieldIssueSchema = z.object({ path: z.string(), message: z.string() });
export type FieldIssue = z.infer<typeof FieldIssueSchema>;
