import fs from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../timeouts.js';
import { childPath } from '../guards.js';
import { ARCHIVE_DIR, LOGS_DIR } from '../task-scan.js';
import { copyFileTo, fsyncDir, hashFile, linkNoReplace, tempName, unlinkQuiet, writeBufferTo, type Written } from './archive-io.js';
import { appendManifest, readManifest, type ManifestEntry } from './manifest.js';

export type ArchiveSource = { kind: 'log'; name: string } | { kind: 'content'; name: string; label: string; text: string };

export interface ArchiveRequest {
  agentId: string;
  source: ArchiveSource;
}

export interface ArchiveResult {
  request: ArchiveRequest;
  outcome: 'done' | 'skipped' | 'failed';
  /** Name inside archive/ that holds the bytes. */
  archived: string | null;
  detail: string;
}

export interface ArchiveOptions {
  compression: 'gzip' | 'none';
  minFreeBytes: number;
}

interface Staged {
  request: ArchiveRequest;
  sourcePath: string | null;
  sourceStat: fs.Stats | null;
  /** File to link into archive/: a verified temp copy, or the source itself for uncompressed same-device moves. */
  linkFrom: string;
  temp: string | null;
  written: Written;
}

/** Refuses a symlinked or escaping archive/, creating it when missing. */
export async function prepareArchiveDir(taskDir: string): Promise<string> {
  const dir = childPath(taskDir, ARCHIVE_DIR);
  try {
    await fs.promises.mkdir(dir, { mode: 0o755 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const st = await fs.promises.lstat(dir);
  if (st.isSymbolicLink()) throw new Error(`${dir} is a symlink; refused`);
  if (!st.isDirectory()) throw new Error(`${dir} is not a folder; refused`);
  const [realDir, realTask] = await Promise.all([fs.promises.realpath(dir), fs.promises.realpath(taskDir)]);
  if (path.dirname(realDir) !== realTask) throw new Error(`${dir} resolves outside its workspace; refused`);
  return dir;
}

async function checkFreeSpace(dir: string, needed: number, minFree: number): Promise<void> {
  const st = await fs.promises.statfs(dir);
  const free = st.bavail * st.bsize;
  if (free - needed < minFree) {
    throw new Error(`not enough free space in ${dir}: ${free} bytes free, ${needed} needed plus ${minFree} kept free`);
  }
}

async function stage(taskDir: string, archiveDir: string, request: ArchiveRequest, options: ArchiveOptions): Promise<Staged | ArchiveResult> {
  const compress = options.compression === 'gzip';
  const { source } = request;
  if (source.kind === 'content') {
    const temp = tempName(archiveDir, source.name);
    const written = await writeBufferTo(temp, Buffer.from(source.text, 'utf8'), compress);
    return { request, sourcePath: null, sourceStat: null, linkFrom: temp, temp, written };
  }
  const sourcePath = childPath(childPath(taskDir, LOGS_DIR), source.name);
  let st: fs.Stats;
  try {
    st = await fs.promises.lstat(sourcePath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { request, outcome: 'skipped', archived: null, detail: 'already gone from logs/' };
    throw err;
  }
  if (st.isSymbolicLink()) return { request, outcome: 'failed', archived: null, detail: `${LOGS_DIR}/${source.name} is a symlink; refused` };
  if (!st.isFile()) return { request, outcome: 'failed', archived: null, detail: `${LOGS_DIR}/${source.name} is not a regular file; refused` };
  if (!compress && st.dev === (await fs.promises.stat(archiveDir)).dev) {
    const digest = await hashFile(sourcePath, false);
    return { request, sourcePath, sourceStat: st, linkFrom: sourcePath, temp: null, written: { bytes: st.size, sha256: digest, storedBytes: st.size } };
  }
  // Compressing, or archive/ is on another device (EXDEV): copy, fsync and verify before the source may go.
  const temp = tempName(archiveDir, source.name);
  const written = await copyFileTo(sourcePath, temp, compress, st.size);
  return { request, sourcePath, sourceStat: st, linkFrom: temp, temp, written };
}

function unchanged(a: fs.Stats, b: fs.Stats): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/**
 * Archives a batch of one task's files: stage verified copies, link each under a free name, fsync archive/, append
 * the manifest and fsync it, and only then unlink the sources. A crash at any point leaves every byte in logs/ or
 * in archive/, and a rerun recognises what is already archived by content.
 */
export async function archiveTaskFiles(taskDir: string, requests: readonly ArchiveRequest[], options: ArchiveOptions): Promise<ArchiveResult[]> {
  if (requests.length === 0) return [];
  const failAll = (detail: string): ArchiveResult[] => requests.map((request) => ({ request, outcome: 'failed', archived: null, detail }));
  let archiveDir: string;
  try {
    archiveDir = await prepareArchiveDir(taskDir);
    let needed = 0;
    for (const { source } of requests) {
      if (source.kind === 'content') needed += Buffer.byteLength(source.text);
      else needed += (await fs.promises.lstat(childPath(childPath(taskDir, LOGS_DIR), source.name)).catch(() => null))?.size ?? 0;
    }
    await checkFreeSpace(archiveDir, needed, options.minFreeBytes);
  } catch (err) {
    return failAll(errorMessage(err));
  }
  const ext = options.compression === 'gzip' ? '.gz' : '';
  const results: ArchiveResult[] = [];
  const linked: { staged: Staged; final: string; duplicate: boolean }[] = [];
  let manifest: ManifestEntry[] | null = null;
  for (const request of requests) {
    let staged: Staged | ArchiveResult;
    try {
      staged = await stage(taskDir, archiveDir, request, options);
    } catch (err) {
      results.push({ request, outcome: 'failed', archived: null, detail: errorMessage(err) });
      continue;
    }
    if (!('linkFrom' in staged)) {
      results.push(staged);
      continue;
    }
    const s = staged;
    try {
      if (s.sourcePath && s.sourceStat && !unchanged(s.sourceStat, await fs.promises.lstat(s.sourcePath))) {
        throw new Error(`${LOGS_DIR}/${request.source.name} changed while being archived; left in place for the next sweep`);
      }
      const same = async (occupant: string): Promise<boolean> => {
        const st = await fs.promises.lstat(occupant);
        if (!st.isFile()) return false;
        if (s.sourceStat && s.temp === null && st.ino === s.sourceStat.ino && st.dev === s.sourceStat.dev) return true;
        return (await hashFile(occupant, ext === '.gz').catch(() => '')) === s.written.sha256;
      };
      const { final, duplicate } = await linkNoReplace(s.linkFrom, archiveDir, request.source.name, ext, same);
      linked.push({ staged: s, final, duplicate });
    } catch (err) {
      results.push({ request, outcome: 'failed', archived: null, detail: errorMessage(err) });
    } finally {
      if (s.temp) await unlinkQuiet(s.temp);
    }
  }
  if (linked.length === 0) return results;
  try {
    await fsyncDir(archiveDir);
    if (linked.some((l) => l.duplicate)) manifest = await readManifest(archiveDir);
    const known = new Set((manifest ?? []).map((e) => `${e.archive}\0${e.sha256}`));
    const entries: ManifestEntry[] = [];
    for (const { staged, final } of linked) {
      const archive = `${ARCHIVE_DIR}/${final}`;
      if (known.has(`${archive}\0${staged.written.sha256}`)) continue;
      const { source } = staged.request;
      entries.push({
        ts: new Date().toISOString(),
        agentId: staged.request.agentId,
        source: source.kind === 'log' ? `${LOGS_DIR}/${source.name}` : source.label,
        archive,
        bytes: staged.written.bytes,
        sha256: staged.written.sha256,
        compression: options.compression,
        storedBytes: staged.written.storedBytes,
      });
    }
    await appendManifest(archiveDir, entries);
  } catch (err) {
    // The copies are safe in archive/, but without a durable manifest the sources must stay.
    for (const { staged } of linked) results.push({ request: staged.request, outcome: 'failed', archived: null, detail: errorMessage(err) });
    return results;
  }
  let removedAny = false;
  for (const { staged, final, duplicate } of linked) {
    try {
      if (staged.sourcePath) {
        await unlinkQuiet(staged.sourcePath);
        removedAny = true;
      }
      const how = duplicate ? 'already archived as' : 'archived as';
      results.push({ request: staged.request, outcome: 'done', archived: final, detail: `${how} ${ARCHIVE_DIR}/${final} (${staged.written.bytes} bytes, sha256 ${staged.written.sha256.slice(0, 12)})` });
    } catch (err) {
      results.push({ request: staged.request, outcome: 'failed', archived: final, detail: `archived as ${ARCHIVE_DIR}/${final} but source not removed: ${errorMessage(err)}` });
    }
  }
  if (removedAny) await fsyncDir(childPath(taskDir, LOGS_DIR)).catch(() => undefined);
  return results;
}
