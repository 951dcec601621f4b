import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { isRealDir, readRegularFileSync } from '../base/safe-read.js';
import { escapeRegExp } from '../base/guards.js';
import { prepareArchiveDir } from './archive-dir.js';
import { appendManifest, readManifest, type ManifestEntry } from './manifest.js';
import { ARCHIVE_DIR, SCROLLBACK_SUFFIX } from '../workspace/layout.js';

/**
 * A crash between linking an agent's scrollback into archive/ and appending its manifest line leaves a copy the
 * manifest does not list. A log is archived again from logs/ (still there: sources go only after the manifest), but
 * the scrollback's session is dead, so nothing would ever record it. An interrupted cleanup, when resumed, records
 * such copies from their own bytes.
 */

export interface ResumedAgent {
  agentId: string;
  /** The session noted in the agent's `begin` intent; null if it had none. */
  session: string | null;
}

/** `<id>_scrollback.txt`, with the `~N` a name collision adds and the `.gz` of compression at archive time. */
function scrollbackName(agentId: string): RegExp {
  return new RegExp(`^${escapeRegExp(agentId + SCROLLBACK_SUFFIX)}(~\\d+)?(\\.gz)?$`);
}

function entryFor(dir: string, name: string, agent: ResumedAgent, ts: string): ManifestEntry | null {
  const file = path.join(dir, name);
  const st = fs.lstatSync(file, { throwIfNoEntry: false });
  if (!st?.isFile()) return null;
  const stored = readRegularFileSync(file);
  const gzip = name.endsWith('.gz');
  const bytes = gzip ? zlib.gunzipSync(stored) : stored;
  return {
    ts,
    agentId: agent.agentId,
    source: `tmux:${agent.session ?? 'unknown session'}`,
    archive: `${ARCHIVE_DIR}/${name}`,
    bytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    compression: gzip ? 'gzip' : 'none',
    storedBytes: stored.length,
  };
}

/**
 * Appends a manifest line (fsynced) for each scrollback copy of these agents that archive/ holds and the manifest
 * does not list; returns the names recorded. Runs under the task lock, like all archiving.
 */
export async function recordUnlistedScrollback(taskDir: string, agents: readonly ResumedAgent[]): Promise<string[]> {
  if (agents.length === 0 || !isRealDir(path.join(taskDir, ARCHIVE_DIR))) return [];
  const dir = await prepareArchiveDir(taskDir);
  const listed = new Set((await readManifest(dir)).map((e) => e.archive));
  const patterns = agents.map((agent) => ({ agent, pattern: scrollbackName(agent.agentId) }));
  const ts = new Date().toISOString();
  const entries: ManifestEntry[] = [];
  for (const name of fs.readdirSync(dir)) {
    const match = patterns.find((p) => p.pattern.test(name));
    if (!match || listed.has(`${ARCHIVE_DIR}/${name}`)) continue;
    const entry = entryFor(dir, name, match.agent, ts);
    if (entry) entries.push(entry);
  }
  if (entries.length > 0) await appendManifest(dir, entries);
  return entries.map((e) => e.archive);
}
