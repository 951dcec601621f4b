import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigSchema, type Config } from '../../shared/index.js';
import { errnoCode } from '../../shared/errors.js';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** `--config`, then $AGENT_JANITOR_CONFIG, then the XDG config dir; only an explicitly named file must exist. */
export function configPath(explicit: string | undefined, env: NodeJS.ProcessEnv): { path: string; required: boolean } {
  if (explicit) return { path: path.resolve(explicit), required: true };
  if (env.AGENT_JANITOR_CONFIG) return { path: path.resolve(env.AGENT_JANITOR_CONFIG), required: true };
  const base = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return { path: path.join(base, 'agent-janitor', 'config.json'), required: false };
}

function formatIssues(file: string, error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return error.issues.map((i) => `${file}: ${i.path.length ? i.path.map(String).join('.') : '(top level)'}: ${i.message}`).join('\n');
}

/**
 * Loads the file, lays CLI overrides over it, and validates the result with the shared schema; every problem names
 * the file and the field.
 */
export function loadConfig(explicit: string | undefined, overrides: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): Config {
  const where = configPath(explicit, env);
  let fromFile: Record<string, unknown> = {};
  let text: string | null = null;
  try {
    text = fs.readFileSync(where.path, 'utf8');
  } catch (err) {
    const code = errnoCode(err);
    if (where.required || code !== 'ENOENT') throw new ConfigError(`${where.path}: cannot read config: ${code ?? String(err)}`);
  }
  if (text !== null) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new ConfigError(`${where.path}: invalid JSON: ${(err as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new ConfigError(`${where.path}: (top level): expected an object`);
    fromFile = parsed as Record<string, unknown>;
  }
  return mergeConfig(fromFile, overrides, env, text === null ? 'command line' : `${where.path} (with command-line overrides)`);
}

/** The file's object with the environment and command line over it (that precedence), validated. */
export function mergeConfig(
  fromFile: Record<string, unknown>,
  overrides: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  label: string,
): Config {
  const merged: Record<string, unknown> = { ...fromFile };
  if (env.AGENT_JANITOR_TMUX_SOCKET) merged.tmuxSocket = env.AGENT_JANITOR_TMUX_SOCKET;
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) merged[key] = value;
  const result = ConfigSchema.safeParse(merged);
  if (!result.success) throw new ConfigError(formatIssues(label, result.error));
  return result.data;
}
