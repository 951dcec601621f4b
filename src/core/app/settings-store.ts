import fs from 'node:fs';
import path from 'node:path';
import { ConfigSchema, fieldIssues, type Config, type SaveSettingsResult, type Settings } from '../../shared/index.js';
import { ConfigError, loadConfig } from '../config-loader.js';
import { writeFileAtomic } from '../durable-write.js';

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

/**
 * The file as it is now, so a save keeps what the form does not own. A file that cannot be read or parsed is an
 * error, never treated as empty: writing over it would lose whatever the user had in it.
 */
function readFileObject(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError(`${file}: cannot read config: ${(err as NodeJS.ErrnoException).code ?? String(err)}; not saved`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file}: invalid JSON (${(err as Error).message}); fix or remove it, nothing was saved`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ConfigError(`${file}: (top level): expected an object; nothing was saved`);
  return parsed as Record<string, unknown>;
}

function write(source: SettingsSource, content: Record<string, unknown>): Config {
  fs.mkdirSync(path.dirname(source.file), { recursive: true, mode: 0o700 });
  writeFileAtomic(source.file, JSON.stringify(content, null, 2) + '\n', 0o600);
  return loadConfig(source.file, source.overrides, source.env);
}

/**
 * Validates with the same schema as the config file and the CLI, so a value the UI accepts is one the daemon
 * accepts. Keys fixed on the command line keep their value in the file (the form shows them read-only).
 */
export function saveSettings(source: SettingsSource, input: Record<string, unknown>): { result: SaveSettingsResult; config: Config | null } {
  const parsed = ConfigSchema.safeParse(input);
  if (!parsed.success) return { result: { ok: false, issues: fieldIssues(parsed.error.issues) }, config: null };
  try {
    const onFile = readFileObject(source.file);
    const fixed = new Set(overriddenKeys(source));
    const content: Record<string, unknown> = Object.fromEntries(Object.entries(parsed.data).filter(([key]) => !fixed.has(key)));
    for (const key of fixed) if (key in onFile) content[key] = onFile[key];
    const config = write(source, content);
    return { result: { ok: true, settings: settingsOf(source, config) }, config };
  } catch (err) {
    const message = err instanceof ConfigError ? err.message : (err as Error).message;
    return { result: { ok: false, issues: [{ path: '(file)', message }] }, config: null };
  }
}

/** Pins live in the config file (SPEC.md: registry `pinned` or the config's `pins`), so they survive restarts. */
export function savePinned(source: SettingsSource, agentId: string, pinned: boolean): Config {
  const onFile = readFileObject(source.file);
  const pins = new Set(Array.isArray(onFile.pins) ? onFile.pins.filter((p): p is string => typeof p === 'string') : []);
  if (pinned) pins.add(agentId);
  else pins.delete(agentId);
  return write(source, { ...onFile, pins: [...pins].sort() });
}
