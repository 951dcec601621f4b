import fs from 'node:fs';
import path from 'node:path';
import { appendLinesDurably } from '../durable-write.js';

export const MANIFEST_FILE = 'MANIFEST.jsonl';

export interface ManifestEntry {
  ts: string;
  agentId: string;
  /** Where the bytes came from, relative to the task folder (`logs/x` or `tmux:<session>` for scrollback). */
  source: string;
  /** Relative to the task folder. */
  archive: string;
  bytes: number;
  sha256: string;
  compression: 'gzip' | 'none';
  storedBytes: number;
}

/** fsynced before any source is unlinked. */
export async function appendManifest(archiveDir: string, entries: readonly ManifestEntry[]): Promise<void> {
  await appendLinesDurably(path.join(archiveDir, MANIFEST_FILE), entries.map((e) => JSON.stringify(e)));
}

export async function readManifest(archiveDir: string): Promise<ManifestEntry[]> {
  let text: string;
  try {
    text = await fs.promises.readFile(path.join(archiveDir, MANIFEST_FILE), 'utf8');
  } catch {
    return [];
  }
  const out: ManifestEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as ManifestEntry);
    } catch {
      // A torn last line from a crash: the entry is rewritten when its file is seen again.
    }
  }
  return out;
}
