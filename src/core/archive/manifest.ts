import path from 'node:path';
import { appendLinesDurably } from '../base/durable-write.js';
import { readRegularFileIfPresentSync } from '../base/safe-read.js';
import { errorMessage } from '../base/timeouts.js';
import { errnoCode } from '../../shared/errors.js';
import { MANIFEST_FILE, ARCHIVE_DIR } from '../workspace/layout.js';
import { jsonLines } from '../base/json-lines.js';

export interface ManifestEntry {
  ts: string;
  agentId: string;
  /** Where the bytes came from, relative to the task folder (`logs/x`, `progress/x`, or `tmux:<session>` for scrollback). */
  source: string;
  /** Relative to the task folder. */
  archive: string;
  bytes: number;
  sha256: string;
  compression: 'gzip' | 'none';
  storedBytes: number;
  /** Set when the retention pass compressed an archived file in place: the uncompressed form, `archive/<name>`. */
  compressedFrom?: string;
  /** The original archive time, carried over by that compression (ages count from it, not from `ts`). */
  archivedAt?: string;
}

/** When the bytes were first archived: compression in place keeps a file's age. */
export function archivedAtOf(entry: ManifestEntry): string {
  return entry.archivedAt ?? entry.ts;
}

/** The name inside archive/ of an `archive/<plain name>` path, or null for anything else (the manifest is in the workspace, so untrusted). */
export function archiveNameOf(rel: string): string | null {
  const prefix = `${ARCHIVE_DIR}/`;
  if (!rel.startsWith(prefix)) return null;
  const name = rel.slice(prefix.length);
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) return null;
  return name;
}

/** fsynced before any source is unlinked. */
export async function appendManifest(archiveDir: string, entries: readonly ManifestEntry[]): Promise<void> {
  await appendLinesDurably(
    path.join(archiveDir, MANIFEST_FILE),
    entries.map((e) => JSON.stringify(e)),
  );
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** A line of the right shape; anything else is ignored (it names no file the janitor may act on). */
function isEntry(value: unknown): value is ManifestEntry {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  return (
    isString(e.ts) &&
    isString(e.agentId) &&
    isString(e.source) &&
    isString(e.archive) &&
    isString(e.sha256) &&
    isCount(e.bytes) &&
    isCount(e.storedBytes) &&
    (e.compression === 'gzip' || e.compression === 'none') &&
    (e.compressedFrom === undefined || isString(e.compressedFrom)) &&
    (e.archivedAt === undefined || isString(e.archivedAt))
  );
}

/**
 * The manifest's entries; none if it does not exist. Not followed if a symlink, and a FIFO or device in its place is
 * an error (reading one would block until some writer came): the manifest says what may be unlinked, so a manifest
 * that cannot be read must stop the archiving of its task, not read as empty.
 */
export async function readManifest(archiveDir: string): Promise<ManifestEntry[]> {
  const file = path.join(archiveDir, MANIFEST_FILE);
  let text: string;
  try {
    const bytes = readRegularFileIfPresentSync(file);
    if (bytes === null) return [];
    text = bytes.toString('utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw new Error(`${file}: cannot read the manifest: ${errorMessage(err)}`);
  }
  // A torn last line from a crash is skipped: the entry is rewritten when its file is seen again.
  return jsonLines(text).filter(isEntry);
}

/**
 * The entry that describes each `archive/<name>` now: the last one naming it (a name freed by compression can be
 * taken again by a later file). Entries naming anything but a plain file of archive/ are dropped.
 */
export function currentEntries(entries: readonly ManifestEntry[]): Map<string, ManifestEntry> {
  const byPath = new Map<string, ManifestEntry>();
  for (const e of entries) if (archiveNameOf(e.archive) !== null) byPath.set(e.archive, e);
  return byPath;
}
