import fs from 'node:fs';
import path from 'node:path';

/**
 * Appends lines in one write on an O_APPEND, O_NOFOLLOW descriptor and fsyncs: concurrent writers never interleave
 * within a line, a symlink planted in place of the file is refused, and the lines are on disk when this resolves.
 */
export async function appendLinesDurably(file: string, lines: readonly string[]): Promise<void> {
  if (lines.length === 0) return;
  const flags = fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW;
  const handle = await fs.promises.open(file, flags, 0o644);
  try {
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
