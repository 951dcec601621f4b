import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { taskFilePath } from '../base/task-folders.js';
import { readRegularFileSync } from '../base/safe-read.js';
import { errorMessage } from '../base/timeouts.js';
import { IN_MEMORY_LIMIT, hashFile, streamFileTo, syncAndClose, tempName, unlinkQuiet, writeTemp, type Written } from './archive-io.js';
import { checkFreeSpace, prepareArchiveDir, removeStaleTemps } from './archive-dir.js';
import { errnoCode } from '../../shared/errors.js';
import type { AgentFileDir } from '../workspace/layout.js';

export { prepareArchiveDir } from './archive-dir.js';

/** An agent's file in one of its task folders, or text made by the janitor (the pane's scrollback). */
export type ArchiveSource =
  { kind: 'file'; dir: AgentFileDir; name: string } | { kind: 'content'; name: string; label: string; text: string };

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
  /** Only 0 compresses at archive time; any other value leaves compression to the retention pass (SPEC.md). */
  compressAfterDays: number | null;
  minFreeBytes: number;
}

/** Compressed now, at archive time, only when so configured; otherwise the file keeps its exact name (SPEC.md). */
export function compressesAtArchiveTime(options: ArchiveOptions): boolean {
  return options.compression === 'gzip' && options.compressAfterDays === 0;
}

export function sourceLabel(source: ArchiveSource): string {
  return source.kind === 'file' ? `${source.dir}/${source.name}` : source.label;
}

export interface Staged {
  request: ArchiveRequest;
  /** Open temp copy not yet fsynced (see syncStaged). */
  fd: fs.promises.FileHandle | null;
  sourcePath: string | null;
  sourceStat: fs.Stats | null;
  /** File to link into archive/: a verified, fsynced temp copy, or the source itself for same-device plain moves. */
  linkFrom: string;
  temp: string | null;
  written: Written;
}

/** Copies made ahead of the move: durable in archive/ under temp names, not yet linked, sources untouched. */
export interface StagedBatch {
  taskDir: string;
  archiveDir: string | null;
  items: (Staged | ArchiveResult)[];
  options: ArchiveOptions;
}

export const isStaged = (item: Staged | ArchiveResult): item is Staged => 'linkFrom' in item;

/** Through the task folder's descriptor while the executor holds it open (task-folders.ts). */
function sourcePathOf(taskDir: string, source: Extract<ArchiveSource, { kind: 'file' }>): string {
  return taskFilePath(taskDir, source.dir, source.name);
}

type Prepared = Staged | ArchiveResult;

/** `archiveDev`: the device of archive/, when the caller already has it (a batch stats it once). */
export async function prepareOne(
  taskDir: string,
  archiveDir: string,
  request: ArchiveRequest,
  options: ArchiveOptions,
  archiveDev = fs.statSync(archiveDir).dev,
): Promise<Prepared> {
  const compress = compressesAtArchiveTime(options);
  const { source } = request;
  if (source.kind === 'content') {
    const temp = tempName(archiveDir, source.name);
    const { handle, written } = await writeTemp(temp, Buffer.from(source.text, 'utf8'), compress);
    return { request, fd: handle, sourcePath: null, sourceStat: null, linkFrom: temp, temp, written };
  }
  const sourcePath = sourcePathOf(taskDir, source);
  const label = sourceLabel(source);
  let st: fs.Stats;
  try {
    st = fs.lstatSync(sourcePath);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return { request, outcome: 'skipped', archived: null, detail: `already gone from ${source.dir}/` };
    throw err;
  }
  if (st.isSymbolicLink()) return { request, outcome: 'failed', archived: null, detail: `${label} is a symlink; refused` };
  if (!st.isFile()) return { request, outcome: 'failed', archived: null, detail: `${label} is not a regular file; refused` };
  if (!compress && st.dev === archiveDev) {
    // Same device, no compression: the move is a hard link of the very inode, nothing to copy. A small file is
    // hashed from one read: a stream per file costs more than the hashing (docs/benchmarks.md).
    const digest =
      st.size > IN_MEMORY_LIMIT
        ? await hashFile(sourcePath, false)
        : createHash('sha256').update(readRegularFileSync(sourcePath)).digest('hex');
    return {
      request,
      fd: null,
      sourcePath,
      sourceStat: st,
      linkFrom: sourcePath,
      temp: null,
      written: { bytes: st.size, sha256: digest, storedBytes: st.size },
    };
  }
  // Compressing, or archive/ is on another device (EXDEV): copy, fsync and verify before the source may go.
  const temp = tempName(archiveDir, source.name);
  if (st.size > IN_MEMORY_LIMIT) {
    const written = await streamFileTo(sourcePath, temp, compress);
    return { request, fd: null, sourcePath, sourceStat: st, linkFrom: temp, temp, written };
  }
  const { handle, written } = await writeTemp(temp, readRegularFileSync(sourcePath), compress);
  return { request, fd: handle, sourcePath, sourceStat: st, linkFrom: temp, temp, written };
}

/**
 * Phase one: verified copies, fsynced, under temp names in archive/. Nothing is moved yet, so this may run while the
 * agent's session is still being killed; `commitStaged` re-checks each source before it counts.
 */
/** The bytes these requests copy at most: the sources' sizes now, and the captured text. */
export function requestedBytes(taskDir: string, requests: readonly ArchiveRequest[]): number {
  let bytes = 0;
  for (const { source } of requests)
    bytes +=
      source.kind === 'content'
        ? Buffer.byteLength(source.text)
        : (fs.lstatSync(sourcePathOf(taskDir, source), { throwIfNoEntry: false })?.size ?? 0);
  return bytes;
}

/** `needed`: requestedBytes, when the caller has it already. */
export async function stageArchive(
  taskDir: string,
  requests: readonly ArchiveRequest[],
  options: ArchiveOptions,
  needed?: number,
): Promise<StagedBatch> {
  const batch: StagedBatch = { taskDir, archiveDir: null, items: [], options };
  try {
    batch.archiveDir = await prepareArchiveDir(taskDir);
    removeStaleTemps(batch.archiveDir);
    checkFreeSpace(batch.archiveDir, needed ?? requestedBytes(taskDir, requests), options.minFreeBytes);
  } catch (err) {
    batch.items = requests.map((request) => ({ request, outcome: 'failed', archived: null, detail: errorMessage(err) }));
    return batch;
  }
  const archiveDir = batch.archiveDir;
  const archiveDev = fs.statSync(archiveDir).dev;
  batch.items = await Promise.all(
    requests.map(async (request): Promise<Prepared> => {
      try {
        return await prepareOne(taskDir, archiveDir, request, options, archiveDev);
      } catch (err) {
        return { request, outcome: 'failed', archived: null, detail: errorMessage(err) };
      }
    }),
  );
  return batch;
}

/**
 * fsyncs every staged copy of every batch at once. Kept apart from staging on purpose: on ext4, creating files
 * while other fsyncs force journal commits stalls each create, so all creates go first and all fsyncs after.
 */
export async function syncStaged(batches: readonly StagedBatch[]): Promise<void> {
  const pending: { batch: StagedBatch; index: number; item: Staged; fd: fs.promises.FileHandle }[] = [];
  for (const batch of batches) {
    batch.items.forEach((item, index) => {
      if (isStaged(item) && item.fd !== null) pending.push({ batch, index, item, fd: item.fd });
    });
  }
  const errors = await syncAndClose(pending.map((p) => p.fd));
  await Promise.all(
    pending.map(async ({ batch, index, item }, i) => {
      item.fd = null;
      const err = errors[i];
      if (!err) return;
      if (item.temp) await unlinkQuiet(item.temp);
      batch.items[index] = { request: item.request, outcome: 'failed', archived: null, detail: `fsync failed: ${err.message}` };
    }),
  );
}

/** Drops staged copies of agents whose cleanup stopped (their session may still be writing). */
export async function discardStaged(batch: StagedBatch, keep: (request: ArchiveRequest) => boolean): Promise<StagedBatch> {
  const items: StagedBatch['items'] = [];
  for (const item of batch.items) {
    if (keep(item.request)) {
      items.push(item);
      continue;
    }
    if (isStaged(item) && item.fd !== null) await item.fd.close();
    if (isStaged(item) && item.temp) await unlinkQuiet(item.temp);
  }
  return { ...batch, items };
}
