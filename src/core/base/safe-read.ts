import fs from 'node:fs';

/** A folder itself, not a symlink to one (lstat: nothing is followed). */
export function isRealDir(p: string): boolean {
  return fs.lstatSync(p, { throwIfNoEntry: false })?.isDirectory() === true;
}

/**
 * Opens a file for reading without following a symlink and without blocking: a name swapped for a FIFO between our
 * lstat and the open would otherwise hang the sweep until some writer appeared. The descriptor is then checked to be
 * a regular file, so what is read is what was checked.
 */
export function openRegularFileSync(file: string): { fd: number; stat: fs.Stats } {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  const stat = fs.fstatSync(fd);
  if (!stat.isFile()) {
    fs.closeSync(fd);
    throw new Error(`${file} is not a regular file; refused`);
  }
  return { fd, stat };
}

/**
 * As readRegularFileSync, but null when the file does not exist (told by an lstat, not by an error thrown and its
 * stack captured: passes over every task read many absent files). Any other failure throws, as the read would.
 */
export function readRegularFileIfPresentSync(file: string): Buffer | null {
  try {
    if (fs.lstatSync(file, { throwIfNoEntry: false }) === undefined) return null;
  } catch {
    // Not an absence: the read below reports it.
  }
  return readRegularFileSync(file);
}

export function readRegularFileSync(file: string): Buffer {
  const { fd } = openRegularFileSync(file);
  try {
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
