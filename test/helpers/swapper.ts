import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A process that swaps `folder` for a symlink to `outside` and back, as fast as it can, until stopped: the race an
 * agent could run against the janitor. Each state lasts a random moment (up to 3 ms real, 1 ms swapped), so a scan
 * mostly sees the real folder and the steps after it land on either. The real folder is parked under a name no scan
 * looks at.
 */
export async function startSwapper(folder: string, outside: string): Promise<ChildProcess> {
  const code = `
    const fs = require('fs');
    const [folder, outside, parked] = process.argv.slice(1);
    process.stdout.write('swapping\\n');
    const pause = new Int32Array(new SharedArrayBuffer(4));
    const dwell = (ms) => Atomics.wait(pause, 0, 0, Math.random() * ms);
    for (;;) {
      try { fs.renameSync(folder, parked); fs.symlinkSync(outside, folder); } catch {}
      dwell(1);
      try { fs.unlinkSync(folder); fs.renameSync(parked, folder); } catch {}
      dwell(3);
    }`;
  const child = spawn(process.execPath, ['-e', code, folder, outside, parkedName(folder)], { stdio: ['ignore', 'pipe', 'ignore'] });
  // Node takes tens of milliseconds to start: a sweep begun before would race nothing at all.
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (status) => reject(new Error(`the swapper exited (${status}) before it began`)));
  });
  return child;
}

const parkedName = (folder: string): string => path.join(path.dirname(folder), `.parked-${path.basename(folder)}`);

/** Stops the swapper and puts the real folder back if it was stopped mid-swap. */
export async function stopSwapper(child: ChildProcess, folder: string): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  if (fs.lstatSync(folder, { throwIfNoEntry: false })?.isSymbolicLink()) fs.unlinkSync(folder);
  const parked = parkedName(folder);
  if (fs.existsSync(parked) && !fs.existsSync(folder)) fs.renameSync(parked, folder);
}

/** Every file under `dir` (recursively, symlinks not followed) with its sha256 and mtime: what must not change. */
export function treeState(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name);
    const st = fs.lstatSync(file);
    const content = st.isFile()
      ? createHash('sha256').update(fs.readFileSync(file)).digest('hex')
      : st.isSymbolicLink()
        ? `-> ${fs.readlinkSync(file)}`
        : 'dir';
    out.push(`${path.relative(dir, file)} ${content} ${st.mtimeMs}`);
  }
  out.push(`. ${fs.statSync(dir).mtimeMs}`);
  return out.sort();
}

/** The names of the regular files anywhere under `dir`, symlinks not followed. */
export function filesUnder(dir: string): Set<string> {
  const names = new Set<string>();
  if (!fs.existsSync(dir)) return names;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) if (entry.isFile()) names.add(entry.name);
  return names;
}
