import { z } from 'zod';
import { LIMITS } from './config-schema.js';
import { DaemonEventSchema } from './daemon-schema.js';
import { SweepReportSchema } from './report-schema.js';
import { SettingsConsequenceSchema } from './settings-consequence.js';
import { SaveSettingsInputSchema } from './settings-patch.js';
import {
  ActivityEntrySchema,
  AgentRowSchema,
  AlertSchema,
  ArchiveTaskSchema,
  DiskUsageSchema,
  FieldIssueSchema,
  RetentionPlanSchema,
  SettingsSchema,
  UiStateSchema,
} from './ui-model.js';

/**
 * The one contract between the UI and the engine. Electron's preload derives `window.janitor` from it, the main
 * process validates every IPC payload with it, the web bridge serves it as `POST /api/<method>`, and the renderer
 * calls it without knowing which of the two carries the call.
 */

const empty = z.object({}).strict();
// Every string and array the API takes is capped (LIMITS): a caller cannot make the engine hold or write without bound.
const taskDir = z.string().min(1).max(LIMITS.pathLength);
const agentId = z.string().min(1).max(LIMITS.idLength);
const agentRef = z.strictObject({ taskDir, agentId });
/** Clean one agent, every agent of one task, or (both absent) run a full sweep. */
export const CleanTargetSchema = z.strictObject({ taskDir: taskDir.optional(), agentId: agentId.optional() });
export type CleanTarget = z.infer<typeof CleanTargetSchema>;

const archiveRef = z.strictObject({ taskDir, path: z.string().min(1).max(LIMITS.pathLength) });

/** The end of a text file, for the log panel: `path` relative to its task folder, `bytes` the whole file's size. */
export const FileTailSchema = z.object({ path: z.string(), text: z.string(), bytes: z.number().int(), truncated: z.boolean() });
export type FileTail = z.infer<typeof FileTailSchema>;

export const SaveSettingsResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), settings: SettingsSchema }),
  z.object({ ok: z.literal(false), issues: z.array(FieldIssueSchema), consequence: SettingsConsequenceSchema.optional() }),
]);
export type SaveSettingsResult = z.infer<typeof SaveSettingsResultSchema>;

export const PreviewSettingsResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), consequence: SettingsConsequenceSchema }),
  z.object({ ok: z.literal(false), issues: z.array(FieldIssueSchema) }),
]);
export type PreviewSettingsResult = z.infer<typeof PreviewSettingsResultSchema>;

export const FixResultSchema = z.object({ ok: z.boolean(), message: z.string() });
export type FixResult = z.infer<typeof FixResultSchema>;

export const uiMethods = {
  getState: { input: empty, output: UiStateSchema },
  listAgents: { input: empty, output: z.array(AgentRowSchema) },
  /** A dry run of exactly what `cleanNow` with the same target would do. */
  previewClean: { input: CleanTargetSchema, output: SweepReportSchema },
  cleanNow: { input: CleanTargetSchema, output: SweepReportSchema },
  /** Stops the running Clean now before its next kill batch; what is already killed is archived first. */
  cancelClean: { input: empty, output: FixResultSchema },
  setPinned: { input: z.strictObject({ agentId, pinned: z.boolean() }), output: z.object({ pins: z.array(z.string()) }) },
  /** A bulk action: pin or unpin several agents in one write of the config file. */
  setPinnedMany: {
    input: z.strictObject({ agentIds: z.array(agentId).min(1).max(LIMITS.pins), pinned: z.boolean() }),
    output: z.object({ pins: z.array(z.string()) }),
  },
  /** The tail of an agent's live log (or, once cleaned, of its archived copy), for "open logs". */
  readLog: { input: agentRef, output: FileTailSchema },
  listAlerts: { input: empty, output: z.array(AlertSchema) },
  fixAlert: { input: z.strictObject({ id: z.string().min(1).max(LIMITS.pathLength) }), output: FixResultSchema },
  /** One fix for a group of alerts of one cause (e.g. every orphan session): each is fixed as fixAlert would, in turn. */
  fixAlerts: {
    input: z.strictObject({ ids: z.array(z.string().min(1).max(LIMITS.pathLength)).min(1).max(LIMITS.pins) }),
    output: z.object({ results: z.array(FixResultSchema.extend({ id: z.string() })) }),
  },
  listArchives: { input: empty, output: z.array(ArchiveTaskSchema) },
  /** SPEC.md: restore puts the file back into the folder it came from, decompressed and checked against its recorded sha256. */
  restoreArchive: { input: archiveRef, output: z.object({ restored: z.string() }) },
  deleteArchive: { input: archiveRef, output: z.object({ deleted: z.string(), storedBytes: z.number().int() }) },
  /** "Open" an archived file: its decompressed tail, checked to be one the manifest lists. */
  readArchive: { input: archiveRef, output: FileTailSchema },
  previewRetention: { input: empty, output: RetentionPlanSchema },
  applyRetention: { input: empty, output: RetentionPlanSchema },
  diskUsage: { input: empty, output: DiskUsageSchema },
  activity: {
    // Pages through the whole journal, newest first: `offset` entries are skipped; `total` counts every match.
    input: z.strictObject({
      query: z.string().max(200).default(''),
      limit: z.number().int().positive().max(5000).default(500),
      offset: z.number().int().nonnegative().max(100_000_000).default(0),
    }),
    output: z.object({ entries: z.array(ActivityEntrySchema), total: z.number().int() }),
  },
  getSettings: { input: empty, output: SettingsSchema },
  /**
   * Patches, not the whole form: each change names a field the window may set, the value the form showed and the new
   * one (settings-patch.ts). Applied to the config file as it is now; validated with ConfigSchema; a bad value, or a
   * field changed in the file meanwhile, comes back as an issue naming the field.
   */
  saveSettings: { input: SaveSettingsInputSchema, output: SaveSettingsResultSchema },
  /** What saving these changes would clean or delete that the settings in force would not (nothing is written). */
  previewSettings: { input: SaveSettingsInputSchema, output: PreviewSettingsResultSchema },
  setPaused: { input: z.strictObject({ paused: z.boolean() }), output: UiStateSchema },
  /** Desktop only: open or reveal a file in the system's file manager; the web bridge answers ok: false. */
  openPath: {
    input: z.strictObject({ path: z.string().min(1).max(LIMITS.pathLength), reveal: z.boolean().default(false) }),
    output: FixResultSchema,
  },
} as const;

export type UiMethods = typeof uiMethods;
export type UiMethodName = keyof UiMethods;
export const UI_METHOD_NAMES = Object.keys(uiMethods) as UiMethodName[];

export type UiInput<M extends UiMethodName> = z.input<UiMethods[M]['input']>;
export type UiOutput<M extends UiMethodName> = z.output<UiMethods[M]['output']>;

/** What the window pushes to the renderer: the daemon's own events, and the UI state whenever it changes. */
/**
 * A running cleanup, step by step (the executor's step names: lock, capture, processes, intents, kill, …): a Clean now
 * (`manual`), or one of the daemon's own sweeps.
 */
export const CleanProgressSchema = z.object({
  event: z.literal('clean-progress'),
  step: z.string(),
  steps: z.number().int(),
  cancelRequested: z.boolean(),
  manual: z.boolean(),
});
export type CleanProgress = z.infer<typeof CleanProgressSchema>;

export const UiEventSchema = z.union([
  DaemonEventSchema,
  z.object({ event: z.literal('state'), state: UiStateSchema }),
  CleanProgressSchema,
]);
export type UiEvent = z.infer<typeof UiEventSchema>;

/** The engine side: the Electron main process and the web bridge both serve one of these. */
export type JanitorService = { [M in UiMethodName]: (input: z.output<UiMethods[M]['input']>) => Promise<UiOutput<M>> } & {
  subscribe(listener: (event: UiEvent) => void): () => void;
};

/** The renderer side, `window.janitor`: the same methods with their inputs' defaults optional. */
export type JanitorApi = { [M in UiMethodName]: (input: UiInput<M>) => Promise<UiOutput<M>> } & {
  onEvent(listener: (event: UiEvent) => void): () => void;
};

/** IPC channel names: one per method, one for events. */
export const ipcChannel = (method: UiMethodName) => `janitor:${method}` as const;
export const IPC_EVENT_CHANNEL = 'janitor:event';

/** An error crossing IPC or HTTP keeps its field issues, so the UI can show them beside the field. */
export const UiErrorSchema = z.object({ error: z.string(), issues: z.array(FieldIssueSchema).default([]) });
export type UiError = z.infer<typeof UiErrorSchema>;
