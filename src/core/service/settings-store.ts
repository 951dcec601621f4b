import fs from 'node:fs';
import path from 'node:path';
import {
  ConfigSchema,
  LIMITS,
  fieldIssues,
  sameValue,
  valueAt,
  withValueAt,
  type Config,
  type FieldIssue,
  type SaveSettingsResult,
  type SettingChange,
  type Settings,
} from '../../shared/index.js';
import { ConfigError, loadConfig, mergeConfig } from '../base/config-loader.js';
import { writeFileAtomic } from '../base/durable-write.js';
import { errnoCode, messageOf } from '../../shared/errors.js';

export interface SettingsSource {
  /** The config file settings are saved to (`--config`, $AGENT_JANITOR_CONFIG or the XDG default). */
  file: string;
  /** Values fixed by the command line; a save keeps them out of the file so they do not outlive this run. */
  overrides: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
}

export function overriddenKeys(source: SettingsSource): string[] {
  const keys = Object.entries(source.overrides)
    .filter(([, v]) => v !== undefined)
    .map(([k]) => k);
  if ((source.env ?? process.env).AGENT_JANITOR_TMUX_SOCKET && !keys.includes('tmuxSocket')) keys.push('tmuxSocket');
  return keys.sort();
}

export function settingsOf(source: SettingsSource, config: Config): Settings {
  return { config, path: source.file, overridden: overriddenKeys(source) };
}

interface FileState {
  /** The file's text as read, or null when it does not exist: what a write compares against (compare-and-swap). */
  text: string | null;
  object: Record<string, unknown>;
}

/**
 * The file as it is now, so a save keeps what the form does not own. A file that cannot be read or parsed is an
 * error, never treated as empty: writing over it would lose whatever the user had in it.
 */
function readFileState(file: string): FileState {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return { text: null, object: {} };
    throw new ConfigError(`${file}: cannot read config: ${errnoCode(err) ?? String(err)}; not saved`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file}: invalid JSON (${(err as Error).message}); fix or remove it, nothing was saved`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ConfigError(`${file}: (top level): expected an object; nothing was saved`);
  return { text, object: parsed as Record<string, unknown> };
}

/** Another writer changed the file between our read and our write. */
class FileChanged extends Error {}

/** Writes only if the file still holds what `state` read (compare-and-swap on its content, re-checked right before). */
function writeIfUnchanged(source: SettingsSource, state: FileState, content: Record<string, unknown>): Config {
  const now = fs.existsSync(source.file) ? fs.readFileSync(source.file, 'utf8') : null;
  if (now !== state.text) throw new FileChanged();
  fs.mkdirSync(path.dirname(source.file), { recursive: true, mode: 0o700 });
  writeFileAtomic(source.file, JSON.stringify(content, null, 2) + '\n', 0o600);
  return loadConfig(source.file, source.overrides, source.env);
}

/** A read-modify-write of the config file, done again from a fresh read if the file changed meanwhile. */
function updateFile<T>(source: SettingsSource, attempt: (state: FileState) => T): T {
  for (let tries = 0; ; tries++) {
    try {
      return attempt(readFileState(source.file));
    } catch (err) {
      if (!(err instanceof FileChanged) || tries >= 2)
        throw err instanceof FileChanged ? new ConfigError(`${source.file}: keeps changing while being saved; nothing was saved`) : err;
    }
  }
}

/** Issues for changes the file no longer allows: a field fixed by the command line, or changed in the file meanwhile. */
function staleChanges(source: SettingsSource, onFile: Record<string, unknown>, changes: readonly SettingChange[]): FieldIssue[] {
  const parsed = ConfigSchema.safeParse(onFile);
  if (!parsed.success)
    return fieldIssues(parsed.error.issues).map((i) => ({
      path: i.path,
      message: `the config file itself is invalid here: ${i.message}; nothing was saved`,
    }));
  const fixed = overriddenKeys(source);
  const issues: FieldIssue[] = [];
  for (const change of changes) {
    if (fixed.some((key) => change.path === key || change.path.startsWith(`${key}.`))) {
      issues.push({ path: change.path, message: 'fixed by the command line or environment; not saved' });
      continue;
    }
    const now = valueAt(parsed.data, change.path);
    if (!sameValue(now, change.from)) {
      issues.push({
        path: change.path,
        message: `changed in ${source.file} since this form was loaded (now ${JSON.stringify(now ?? null)}); reload to see it`,
      });
    }
  }
  return issues;
}

/** The file's content with the changes applied and validated, or the issues that stop them (nothing is written). */
function patched(
  source: SettingsSource,
  state: FileState,
  changes: readonly SettingChange[],
): { content: Record<string, unknown>; config: Config } | { issues: FieldIssue[] } {
  const stale = staleChanges(source, state.object, changes);
  if (stale.length > 0) return { issues: stale };
  const content = changes.reduce((object, change) => withValueAt(object, change.path, change.to), state.object);
  const parsed = ConfigSchema.safeParse(content);
  if (!parsed.success) return { issues: fieldIssues(parsed.error.issues) };
  // What loading the file would give, command-line overrides included: the config the daemon would run with.
  return { content, config: mergeConfig(content, source.overrides, source.env ?? process.env, source.file) };
}

const fileIssue = (err: unknown): FieldIssue[] => [{ path: '(file)', message: messageOf(err) }];

/** The config these changes would give, without writing: what a preview of their consequence runs with. */
export function previewPatch(source: SettingsSource, changes: readonly SettingChange[]): { config: Config } | { issues: FieldIssue[] } {
  try {
    const result = patched(source, readFileState(source.file), changes);
    return 'issues' in result ? result : { config: result.config };
  } catch (err) {
    return { issues: fileIssue(err) };
  }
}

/**
 * Applies the window's changes to the config file as it is now: only the fields changed are written, each only if
 * the file still gives it the value the form showed, so a hand edit made meanwhile survives or is reported, never
 * silently reverted. The result is validated with the same schema as the config file and the CLI.
 */
export function saveSettings(
  source: SettingsSource,
  changes: readonly SettingChange[],
): { result: SaveSettingsResult; config: Config | null } {
  try {
    return updateFile(source, (state) => {
      const result = patched(source, state, changes);
      if ('issues' in result) return { result: { ok: false, issues: result.issues }, config: null };
      const config = writeIfUnchanged(source, state, result.content);
      return { result: { ok: true, settings: settingsOf(source, config) }, config };
    });
  } catch (err) {
    return { result: { ok: false, issues: fileIssue(err) }, config: null };
  }
}

/** Pins live in the config file (SPEC.md: registry `pinned` or the config's `pins`), so they survive restarts. */
export function savePinned(source: SettingsSource, agentIds: string | readonly string[], pinned: boolean): Config {
  return updateFile(source, (state) => {
    const onFile = state.object;
    const pins = new Set(Array.isArray(onFile.pins) ? onFile.pins.filter((p): p is string => typeof p === 'string') : []);
    for (const agentId of typeof agentIds === 'string' ? [agentIds] : agentIds) {
      if (pinned) pins.add(agentId);
      else pins.delete(agentId);
    }
    if (pins.size > LIMITS.pins)
      throw new ConfigError(`${source.file}: pins: at most ${LIMITS.pins} agents can be pinned; unpin some first`);
    return writeIfUnchanged(source, state, { ...onFile, pins: [...pins].sort() });
  });
}
