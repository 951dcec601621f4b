import { z } from 'zod';

export const DEFAULT_TERMINAL_STATUSES = ['completed', 'terminated', 'error', 'failed', 'killed', 'phase_completed'] as const;

const positiveMs = z.number().int().positive();

/** Caps shared by the config file and the window's API: no input may grow the config without bound. */
export const LIMITS = { pins: 1000, roots: 64, statuses: 64, idLength: 256, pathLength: 4096, patternLength: 512 } as const;

/**
 * One schema for the config file, CLI overrides and (later) the settings UI. Strict, so that a misspelt key is an
 * error naming that key instead of a silently ignored setting.
 */
export const ConfigSchema = z.strictObject({
  roots: z.array(z.string().min(1).max(LIMITS.pathLength)).max(LIMITS.roots).default([]),
  tmuxSocket: z.string().min(1).nullable().default(null),
  tmuxBinary: z.string().min(1).default('tmux'),
  sessionPattern: z
    .string()
    .max(LIMITS.patternLength)
    .default('^agent_')
    .refine(
      (p) => {
        try {
          new RegExp(p);
          return true;
        } catch {
          return false;
        }
      },
      { message: 'not a valid regular expression' },
    ),
  terminalStatuses: z
    .array(z.string().min(1).max(LIMITS.idLength))
    .min(1)
    .max(LIMITS.statuses)
    .default([...DEFAULT_TERMINAL_STATUSES]),
  /** null disables idle cleanup. */
  idleMinutes: z.number().positive().nullable().default(110),
  idleWarningMinutes: z.number().nonnegative().default(10),
  ghostGraceSeconds: z.number().nonnegative().default(120),
  pins: z.array(z.string().min(1).max(LIMITS.idLength)).max(LIMITS.pins).default([]),
  /**
   * SPEC.md step 0: a finished agent whose pane processes still run is left this long to exit on its own (the
   * orchestrator's completion notifier records the final status when claude exits); 0 turns the grace off.
   */
  finishGraceSeconds: z.number().nonnegative().default(20),
  /** How archived files are compressed, once they are `compressAfterDays` old; `none` never compresses. */
  compression: z.enum(['gzip', 'none']).default('gzip'),
  /**
   * Archived files stay uncompressed under their exact names this many days, so the orchestrator's own views still
   * read them; then the retention pass gzips them in place. 0 compresses at archive time; null never compresses.
   */
  compressAfterDays: z.number().nonnegative().nullable().default(7),
  /** Bytes that must stay free on the archive's file system after archiving. */
  minFreeBytes: z
    .number()
    .int()
    .nonnegative()
    .default(64 * 1024 * 1024),
  killGraceMs: positiveMs.default(2000),
  /** Daemon: full reconcile period, catching anything the watcher missed (and idleness, which no file event shows). */
  reconcileSeconds: z.number().positive().default(60),
  /** Daemon: quiet time after a registry event before its task is re-planned, so bursts of writes cost one sweep. */
  debounceMs: z.number().int().nonnegative().default(40),
  /** Daemon: Prometheus textfile (for node_exporter's textfile collector); null writes none. */
  metricsPath: z.string().min(1).nullable().default(null),
  /** Daemon: its own log (`<state dir>/janitor.log`, every event) is rotated at this size, keeping `logFiles` old ones. */
  logMaxBytes: z
    .number()
    .int()
    .positive()
    .default(5 * 1024 * 1024),
  logFiles: z.number().int().positive().default(3),
  /** Daemon: a task whose cleanup failed this many sweeps in a row is backed off, from 30 s doubling up to 30 min. */
  breakerThreshold: z.number().int().positive().default(3),
  /** Archives are removed oldest first, past either limit; both null keeps everything (SPEC.md "Retention"). */
  retention: z
    .strictObject({
      maxAgeDays: z.number().positive().nullable().default(null),
      /** Total archive bytes per root. */
      maxBytesPerRoot: z.number().int().positive().nullable().default(null),
    })
    .prefault({}),
  /** Tray notifications (desktop app); grouped so a burst makes one notification. */
  notifications: z
    .strictObject({
      enabled: z.boolean().default(true),
      orphans: z.boolean().default(true),
      ghosts: z.boolean().default(true),
      idleWarnings: z.boolean().default(true),
      stalled: z.boolean().default(true),
      /** At most one notification per kind within this window; what arrives meanwhile is grouped into the next. */
      minIntervalSeconds: z.number().nonnegative().default(60),
    })
    .prefault({}),
  /** Desktop app: start at login (an autostart .desktop file on Linux, a login item on macOS and Windows). */
  startAtLogin: z.boolean().default(false),
  timeouts: z
    .strictObject({
      tmuxMs: positiveMs.default(10_000),
      stepMs: positiveMs.default(30_000),
      lockStaleMs: positiveMs.default(15_000),
      /** Each read of an orchestrator state database: its busy timeout, and the deadline of its query. */
      databaseMs: positiveMs.default(1000),
      /** Daemon: on SIGTERM, how long the sweep in flight may take to finish before the daemon stops without it. */
      drainMs: positiveMs.default(10_000),
      /** The archive copies of a task get `stepMs` plus this long per byte: a 5 GB log must not be cut off at 30 s. */
      stageBytesPerSecond: z
        .number()
        .positive()
        .default(20 * 1024 * 1024),
    })
    .prefault({}),
});
export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

export function defaultConfig(): Config {
  return ConfigSchema.parse({});
}
