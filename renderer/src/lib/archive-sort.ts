import type { ArchiveFile, ArchiveTask } from '../../../src/shared/index.js';
import { compareValues, type Sort, type SortDir } from './sort.js';

/** The Archives view's sortable columns, Age and Size, for tasks and the files inside them. Pure. */

export const ARCHIVE_SORT_KEYS = ['age', 'size'] as const;
export type ArchiveSortKey = (typeof ARCHIVE_SORT_KEYS)[number];
export type ArchiveSort = Sort<ArchiveSortKey>;

/** Youngest first: what was archived last is what one looks for. */
export const DEFAULT_ARCHIVE_SORT: ArchiveSort = { key: 'age', dir: 'asc' };

export function archiveNaturalDir(key: ArchiveSortKey): SortDir {
  return key === 'size' ? 'desc' : 'asc';
}

const byName = (a: ArchiveTask, b: ArchiveTask) => compareValues(a.task, b.task, 'desc') || compareValues(a.taskDir, b.taskDir, 'asc');

/**
 * Tasks by age: youngest first goes by each task's newest file, oldest first by its oldest file (the one retention
 * removes first); ties newest task first. By size: their files' original bytes.
 */
export function sortArchiveTasks(tasks: readonly ArchiveTask[], sort: ArchiveSort): ArchiveTask[] {
  const { key, dir } = sort;
  // An age ascends as its time descends.
  const value = (t: ArchiveTask) => (key === 'size' ? t.bytes : dir === 'asc' ? t.newest : t.oldest);
  const timeDir: SortDir = dir === 'asc' ? 'desc' : 'asc';
  return [...tasks].sort((a, b) => compareValues(value(a), value(b), key === 'size' ? dir : timeDir) || byName(a, b));
}

export function sortArchiveFiles(files: readonly ArchiveFile[], sort: ArchiveSort): ArchiveFile[] {
  const { key, dir } = sort;
  const timeDir: SortDir = dir === 'asc' ? 'desc' : 'asc';
  return [...files].sort(
    (a, b) =>
      (key === 'size' ? compareValues(a.bytes, b.bytes, dir) : compareValues(a.archivedAt, b.archivedAt, timeDir)) ||
      compareValues(a.path, b.path, 'asc'),
  );
}
