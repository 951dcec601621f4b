import { z } from 'zod';
import { LIMITS, type Config } from './config-schema.js';

/**
 * What the window may change in the config, as patches: each change names one field, the value the form was showing
 * (`from`) and the new one (`to`). The engine applies a change only if the file still gives that field the value the
 * form showed, so a hand edit made meanwhile is never silently reverted (docs/security.md, "Settings from the
 * window").
 */

/**
 * Fields the window may set. Not among them, on purpose: `tmuxBinary` and `tmuxSocket` (together they choose a
 * program the janitor runs) and `metricsPath` (a file the janitor writes, anywhere). Those are set in the config
 * file or on the command line only.
 */
export const WINDOW_SETTING_PATHS = [
  'roots',
  'sessionPattern',
  'terminalStatuses',
  'idleMinutes',
  'idleWarningMinutes',
  'ghostGraceSeconds',
  'pins',
  'finishGraceSeconds',
  'compression',
  'compressAfterDays',
  'minFreeBytes',
  'killGraceMs',
  'reconcileSeconds',
  'debounceMs',
  'logMaxBytes',
  'logFiles',
  'breakerThreshold',
  'retention.maxAgeDays',
  'retention.maxBytesPerRoot',
  'notifications.enabled',
  'notifications.orphans',
  'notifications.ghosts',
  'notifications.idleWarnings',
  'notifications.stalled',
  'notifications.minIntervalSeconds',
  'startAtLogin',
  'timeouts.tmuxMs',
  'timeouts.stepMs',
  'timeouts.lockStaleMs',
  'timeouts.databaseMs',
  'timeouts.drainMs',
  'timeouts.stageBytesPerSecond',
] as const;
export type WindowSettingPath = (typeof WINDOW_SETTING_PATHS)[number];

/** Shown in the window, never changed by it. */
export const READ_ONLY_SETTINGS = ['tmuxBinary', 'tmuxSocket', 'metricsPath'] as const;

const SettingValueSchema = z.union([
  z.null(),
  z.boolean(),
  z.number(),
  z.string().max(LIMITS.pathLength),
  z.array(z.string().max(LIMITS.pathLength)).max(LIMITS.pins),
]);
export type SettingValue = z.infer<typeof SettingValueSchema>;

export const SettingChangeSchema = z.strictObject({ path: z.enum(WINDOW_SETTING_PATHS), from: SettingValueSchema, to: SettingValueSchema });
export type SettingChange = z.infer<typeof SettingChangeSchema>;

export const SaveSettingsInputSchema = z.strictObject({
  changes: z
    .array(SettingChangeSchema)
    .min(1)
    .max(WINDOW_SETTING_PATHS.length)
    .refine((changes) => new Set(changes.map((c) => c.path)).size === changes.length, { message: 'a field is named twice' }),
  /** The digest of the consequence the user confirmed (settings-consequence.ts); needed when it is not empty. */
  confirm: z.string().max(128).optional(),
});
export type SaveSettingsInput = z.infer<typeof SaveSettingsInputSchema>;

/** The value at a dotted path, or undefined. */
export function valueAt(object: unknown, path: string): unknown {
  let at: unknown = object;
  for (const key of path.split('.')) {
    if (typeof at !== 'object' || at === null || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** A copy of `object` with `value` at the dotted path, creating the objects on the way. */
export function withValueAt(object: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [key, ...rest] = path.split('.') as [string, ...string[]];
  if (rest.length === 0) return { ...object, [key]: value };
  const inner = object[key];
  const child = typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? (inner as Record<string, unknown>) : {};
  return { ...object, [key]: withValueAt(child, rest.join('.'), value) };
}

/** Equal as JSON values (the settings are numbers, strings, booleans, null and arrays of strings). */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The window's changes: every field it may set whose value differs between the loaded config and the edited one. */
export function settingChanges(loaded: Config, edited: Record<string, unknown>): SettingChange[] {
  const changes: SettingChange[] = [];
  for (const path of WINDOW_SETTING_PATHS) {
    const from = valueAt(loaded, path) ?? null;
    const to = valueAt(edited, path) ?? null;
    if (!sameValue(from, to)) changes.push({ path, from: from as SettingValue, to: to as SettingValue });
  }
  return changes;
}
