import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../../shared/index.js';
import { isTaskDirName } from '../base/guards.js';
import { isRealDir } from '../base/safe-read.js';
import { STATE_DB_DIR, STATE_DB_FILE, WORKSPACE_DIR } from './layout.js';

export interface RootChoice {
  path: string;
  /** Why this root is used, for `doctor`. */
  why: string;
}

/**
 * SPEC.md "Roots": the configured roots (`--root`, the config's `roots`), else the current directory plus, where
 * they exist, `$CLAUDE_ORCHESTRATOR_WORKSPACE` and `~/.claude-orchestrator/workspaces` (the orchestrator's own
 * default when it has no client folder). Duplicates (by real path) are dropped.
 */
export function chooseRoots(config: Config, env: NodeJS.ProcessEnv = process.env): RootChoice[] {
  if (config.roots.length > 0) return config.roots.map((p) => ({ path: p, why: 'configured (--root or the config file)' }));
  const found: RootChoice[] = [{ path: process.cwd(), why: 'the current directory (no root configured)' }];
  const fromEnv = env.CLAUDE_ORCHESTRATOR_WORKSPACE;
  if (fromEnv && isRealDir(fromEnv)) found.push({ path: path.resolve(fromEnv), why: '$CLAUDE_ORCHESTRATOR_WORKSPACE' });
  const orchestratorDefault = path.join(os.homedir(), '.claude-orchestrator', 'workspaces');
  if (isRealDir(orchestratorDefault))
    found.push({ path: orchestratorDefault, why: "the orchestrator's default workspace (~/.claude-orchestrator/workspaces)" });
  const seen = new Set<string>();
  return found.filter((r) => {
    let key: string;
    try {
      key = fs.realpathSync(r.path);
    } catch {
      key = path.resolve(r.path);
    }
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function rootsOf(config: Config): string[] {
  return chooseRoots(config).map((r) => r.path);
}

/**
 * A folder that directly holds TASK-* folders, or the orchestrator's `registry/state.sqlite3`, is a workspace base
 * itself (`~/.claude-orchestrator/workspaces` is one, and is not named `.agent-workspace`).
 */
export function isWorkspaceBase(dir: string): boolean {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  for (const e of entries) {
    if (e.isDirectory() && isTaskDirName(e.name)) return true;
    if (
      e.name === STATE_DB_DIR &&
      e.isDirectory() &&
      fs.lstatSync(path.join(dir, e.name, STATE_DB_FILE), { throwIfNoEntry: false })?.isFile()
    )
      return true;
  }
  return false;
}

/**
 * The workspace bases of one root, resolved: the root itself when it is named `.agent-workspace`; otherwise its
 * `.agent-workspace/` (which may not exist yet), and the root itself too when it is a base (see isWorkspaceBase).
 */
export function workspacesOf(resolvedRoot: string): string[] {
  if (path.basename(resolvedRoot) === WORKSPACE_DIR) return [resolvedRoot];
  const inside = path.join(resolvedRoot, WORKSPACE_DIR);
  return isWorkspaceBase(resolvedRoot) ? [inside, resolvedRoot] : [inside];
}

/** Every root's workspace bases, resolved through symlinked roots and without duplicates. */
export function workspaceBases(roots: readonly string[]): string[] {
  const out = new Set<string>();
  for (const root of roots) {
    let resolved: string;
    try {
      resolved = fs.realpathSync(root);
    } catch {
      resolved = path.resolve(root);
    }
    for (const ws of workspacesOf(resolved)) out.add(ws);
  }
  return [...out];
}
