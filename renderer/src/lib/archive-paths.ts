import type { ArchiveFile } from '../../../src/shared/index.js';

/**
 * Where restoring an archived file puts it, relative to its task folder (as the engine does, SPEC.md "Restore"): back
 * into the folder it came from (`logs/`, `progress/`, `findings/`), a pane's scrollback into `logs/` under its
 * archived name. The engine adds `~N` to the name if it is taken, and answers with the path it used.
 */
export function restoreDestination(file: Pick<ArchiveFile, 'path' | 'source'>): string {
  if (!file.source.startsWith('tmux:')) return file.source;
  return `logs/${file.path.slice(file.path.lastIndexOf('/') + 1).replace(/\.gz$/, '')}`;
}
