import fs from 'node:fs';
import type { WatchFn } from '../../src/core/daemon/workspace-watcher.js';

/**
 * The kernel refusing a watch, on demand: fs.watch until `allowed` watches are open, then ENOSPC, as inotify says
 * when fs.inotify.max_user_watches is reached. (test/integration/watch-fallback.test.ts has the kernel do it.)
 * `allowed` can be raised later, as a user raises the limit.
 */
export function limitedWatch(allowed: number): WatchFn & { calls: number; allowed: number } {
  const fn = ((dir, listener) => {
    fn.calls++;
    if (fn.calls > fn.allowed) {
      throw Object.assign(new Error(`ENOSPC: System limit for number of file watchers reached, watch '${dir}'`), {
        code: 'ENOSPC',
        syscall: 'watch',
        path: dir,
      });
    }
    return fs.watch(dir, listener);
  }) as WatchFn & { calls: number; allowed: number };
  fn.calls = 0;
  fn.allowed = allowed;
  return fn;
}
