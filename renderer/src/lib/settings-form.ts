import { ConfigSchema, fieldIssues, type Config, type FieldIssue, type WindowSettingPath } from '../../../src/shared/index.js';

/**
 * The Settings form's model: what the inputs hold (numbers as typed text) and how it becomes a config again,
 * validated with the same ConfigSchema the engine uses. Pure, so it is unit-tested under Node.
 */

export interface SettingsDraft {
  roots: string[];
  terminalStatuses: string[];
  sessionPattern: string;
  idleMinutes: string;
  /** "never": idle agents are not cleaned (idleMinutes null). */
  idleNever: boolean;
  idleWarningMinutes: string;
  finishGraceSeconds: string;
  compression: 'gzip' | 'none';
  compressAfterDays: string;
  /** "never": archived files are not compressed (compressAfterDays null). */
  compressNever: boolean;
  retentionMaxAgeDays: string;
  /** In MiB; the config holds bytes. */
  retentionMaxMiB: string;
  notifications: {
    enabled: boolean;
    orphans: boolean;
    ghosts: boolean;
    idleWarnings: boolean;
    stalled: boolean;
    minIntervalSeconds: string;
  };
  startAtLogin: boolean;
  pins: string[];
  databaseMs: string;
}

const MiB = 1024 * 1024;

function numText(n: number | null): string {
  return n === null ? '' : String(n);
}

export function draftFromConfig(c: Config): SettingsDraft {
  return {
    roots: [...c.roots],
    terminalStatuses: [...c.terminalStatuses],
    sessionPattern: c.sessionPattern,
    idleMinutes: numText(c.idleMinutes ?? 110),
    idleNever: c.idleMinutes === null,
    idleWarningMinutes: numText(c.idleWarningMinutes),
    finishGraceSeconds: numText(c.finishGraceSeconds),
    compression: c.compression,
    compressAfterDays: numText(c.compressAfterDays ?? 7),
    compressNever: c.compressAfterDays === null,
    retentionMaxAgeDays: numText(c.retention.maxAgeDays),
    retentionMaxMiB: c.retention.maxBytesPerRoot === null ? '' : String(Math.round((c.retention.maxBytesPerRoot / MiB) * 100) / 100),
    notifications: { ...c.notifications, minIntervalSeconds: numText(c.notifications.minIntervalSeconds) },
    startAtLogin: c.startAtLogin,
    pins: [...c.pins],
    databaseMs: numText(c.timeouts.databaseMs),
  };
}

/** Number fields: empty means "no limit" where the config allows null, and is an error where it does not. */
function parseNumber(text: string, path: string, nullable: boolean, issues: FieldIssue[]): number | null {
  const t = text.trim();
  if (t === '') {
    if (!nullable) issues.push({ path, message: 'required' });
    return null;
  }
  const n = Number(t);
  if (!Number.isFinite(n)) {
    issues.push({ path, message: 'enter a number' });
    return null;
  }
  return n;
}

function listIssues(items: readonly string[], path: string, issues: FieldIssue[]): string[] {
  items.forEach((v, i) => {
    if (v.trim() === '') issues.push({ path: `${path}.${i}`, message: 'empty: fill it in or remove it' });
  });
  return items.map((v) => v.trim());
}

export interface DraftResult {
  /** The config to save: the loaded one with the form's fields put in. */
  config: Record<string, unknown>;
  /** Field issues, dotted paths as ConfigSchema names them (`retention.maxAgeDays`, `roots.2`). */
  issues: FieldIssue[];
}

/** Fields the form does not show (tmuxSocket, the other timeouts, ...) are kept from `base` as loaded. */
function configFromDraft(base: Config, d: SettingsDraft): DraftResult {
  const issues: FieldIssue[] = [];
  const maxMiB = parseNumber(d.retentionMaxMiB, 'retention.maxBytesPerRoot', true, issues);
  const config: Record<string, unknown> = {
    ...base,
    roots: listIssues(d.roots, 'roots', issues),
    terminalStatuses: listIssues(d.terminalStatuses, 'terminalStatuses', issues),
    sessionPattern: d.sessionPattern,
    idleMinutes: d.idleNever ? null : parseNumber(d.idleMinutes, 'idleMinutes', false, issues),
    idleWarningMinutes: parseNumber(d.idleWarningMinutes, 'idleWarningMinutes', false, issues),
    finishGraceSeconds: parseNumber(d.finishGraceSeconds, 'finishGraceSeconds', false, issues),
    compression: d.compression,
    compressAfterDays: d.compressNever ? null : parseNumber(d.compressAfterDays, 'compressAfterDays', false, issues),
    retention: {
      ...base.retention,
      maxAgeDays: parseNumber(d.retentionMaxAgeDays, 'retention.maxAgeDays', true, issues),
      maxBytesPerRoot: maxMiB === null ? null : Math.round(maxMiB * MiB),
    },
    notifications: {
      ...base.notifications,
      enabled: d.notifications.enabled,
      orphans: d.notifications.orphans,
      ghosts: d.notifications.ghosts,
      idleWarnings: d.notifications.idleWarnings,
      stalled: d.notifications.stalled,
      minIntervalSeconds: parseNumber(d.notifications.minIntervalSeconds, 'notifications.minIntervalSeconds', false, issues),
    },
    startAtLogin: d.startAtLogin,
    pins: listIssues(d.pins, 'pins', issues),
    timeouts: { ...base.timeouts, databaseMs: parseNumber(d.databaseMs, 'timeouts.databaseMs', false, issues) },
  };
  return { config, issues };
}

/** Form-level checks first, then ConfigSchema's; one message per field, the form's own where both speak. */
export function validateDraft(base: Config, d: SettingsDraft): DraftResult {
  const { config, issues } = configFromDraft(base, d);
  const seen = new Set(issues.map((i) => i.path));
  const parsed = ConfigSchema.safeParse(config);
  if (!parsed.success) {
    for (const issue of fieldIssues(parsed.error.issues)) {
      if (seen.has(issue.path)) continue;
      seen.add(issue.path);
      issues.push(issue);
    }
  }
  return { config, issues };
}

/** Issues keyed by dotted path, the first message for each. */
export function issuesByPath(issues: readonly FieldIssue[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const i of issues) if (!m.has(i.path)) m.set(i.path, i.message);
  return m;
}

/** True if a key named in Settings.overridden fixes this field (`retention` covers `retention.maxAgeDays`). */
export function isOverridden(overridden: readonly string[], path: string): boolean {
  return overridden.some((o) => path === o || path.startsWith(`${o}.`) || o.startsWith(`${path}.`));
}

/**
 * Every path the Settings form shows a field for (list items aside: `roots.2` is shown by its list): a subset of the
 * fields the window may set (WINDOW_SETTING_PATHS), checked by the type, so a form field can never name one it may not.
 */
const FIELD_PATHS: ReadonlySet<string> = new Set<WindowSettingPath>([
  'roots',
  'sessionPattern',
  'terminalStatuses',
  'idleMinutes',
  'idleWarningMinutes',
  'finishGraceSeconds',
  'pins',
  'compression',
  'compressAfterDays',
  'retention.maxAgeDays',
  'retention.maxBytesPerRoot',
  'notifications.enabled',
  'notifications.orphans',
  'notifications.ghosts',
  'notifications.idleWarnings',
  'notifications.stalled',
  'notifications.minIntervalSeconds',
  'startAtLogin',
  'timeouts.databaseMs',
]);

/** Whether the form shows a field for an issue's path; an issue elsewhere is listed above the Save button. */
export function hasFormField(path: string): boolean {
  return FIELD_PATHS.has(path) || /^(roots|terminalStatuses|pins)\.\d+$/.test(path);
}
