import fs from 'node:fs';
import path from 'node:path';
import { errnoCode } from '../../shared/errors.js';

/**
 * Appends lines in one write on an O_APPEND, O_NOFOLLOW descriptor and fsyncs: concurrent writers never interleave
 * within a line, a symlink planted in place of the file is refused, and the lines are on disk when this resolves.
 * O_NONBLOCK and the fstat check refuse a FIFO or a device put in its place: opening a FIFO for writing would
 * otherwise wait for a reader forever, holding a thread of the pool.
 */
export async function appendLinesDurably(file: string, lines: readonly string[]): Promise<void> {
  if (lines.length === 0) return;
  const flags = fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, flags, 0o644);
  } catch (err) {
    // ENXIO: a FIFO with no reader.
    if (errnoCode(err) === 'ENXIO') throw new Error(`${file} is not a regular file; refused`);
    throw err;
  }
  try {
    if (!(await handle.stat()).isFile()) throw new Error(`${file} is not a regular file; refused`);
    await handle.write(lines.join('\n') + '\n');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Written under a temp name in the same folder and renamed: a reader never sees half a file. */
export function writeFileAtomic(file: string, text: string, mode = 0o644): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(temp, text, { mode });
  fs.renameSync(temp, file);
}
