import type { ArchiveFile, JanitorApi } from '../../src/shared/index.js';
import { ApiError } from '../src/api/errors.js';
import { restoreDestination } from '../src/lib/archive-paths.js';
import { applyRetentionPlan, retentionPlan } from './mock-archives.js';
import { ROOTS, type MockWorld } from './mock-data.js';
import { clone, type MockEngine } from './mock-engine.js';
import { rng } from './mock-random.js';

/** The mock API's archives (listing, restore, delete, read), retention and disk usage. */

type ArchivesApi = Pick<
  JanitorApi,
  'listArchives' | 'restoreArchive' | 'deleteArchive' | 'readArchive' | 'previewRetention' | 'applyRetention' | 'diskUsage'
>;
type Usage = 'logs' | 'archive' | 'other';

/** Each root's space by task: its agents' logs, its archive, and some other files. */
function diskRoots(world: MockWorld) {
  return ROOTS.map((root, ri) => {
    const tasks = [...new Set(world.agents.filter((a) => a.root === root).map((a) => a.taskDir))].map((taskDir) => {
      const logs = world.agents.filter((a) => a.taskDir === taskDir).reduce((n, a) => n + a.bytes, 0);
      const archive = (world.archives.get(taskDir) ?? []).reduce((n, f) => n + f.storedBytes, 0);
      return { task: taskDir.split('/').pop()!, taskDir, logs, archive, other: 40_960 + (logs % 200_000) };
    });
    const sum = (k: Usage) => tasks.reduce((n, t) => n + t[k], 0);
    return {
      root,
      logs: sum('logs'),
      archive: sum('archive'),
      other: sum('other'),
      freeBytes: [182e9, 41e9][ri] ?? null,
      totalBytes: [512e9, 256e9][ri] ?? null,
      tasks,
    };
  });
}

/** A week of hourly samples leading up to today's totals. */
function diskHistory(total: (k: Usage) => number) {
  const r = rng(3);
  return Array.from({ length: 168 }, (_, i) => {
    const f = (i + 1) / 168;
    const wave = 0.6 + 0.4 * Math.sin(i / 6) * r();
    return {
      ts: new Date(Date.now() - (168 - i) * 3_600_000).toISOString(),
      logs: Math.round(total('logs') * wave),
      archive: Math.round(total('archive') * (0.4 + 0.6 * f)),
      other: Math.round(total('other') * (0.9 + 0.1 * f)),
      freeBytes: Math.round(223e9 - f * 4e9 - wave * 1e9),
    };
  });
}

/** The archived file `path` of the task at `taskDir`, as its manifest lists it. */
function archivedFile(world: MockWorld, taskDir: string, path: string): ArchiveFile {
  const f = (world.archives.get(taskDir) ?? []).find((x) => x.path === path);
  if (!f) throw new ApiError(`${path}: not in the manifest`);
  return f;
}

function listArchives(world: MockWorld) {
  return [...world.archives].map(([taskDir, files]) => {
    const bytes = files.reduce((n, f) => n + f.bytes, 0);
    const storedBytes = files.reduce((n, f) => n + f.storedBytes, 0);
    const times = files.map((f) => f.archivedAt).sort();
    return {
      task: taskDir.split('/').pop()!,
      taskDir,
      root: taskDir.split('/.agent-workspace/')[0]!,
      files: clone(files),
      bytes,
      storedBytes,
      ratio: files.length ? bytes / Math.max(1, storedBytes) : null,
      oldest: times[0] ?? null,
      newest: times.at(-1) ?? null,
    };
  });
}

export function archivesApi(engine: MockEngine): ArchivesApi {
  const { world } = engine;
  const retention = () => retentionPlan(world.archives, world.config, Date.now());
  return {
    listArchives: async () => listArchives(world),
    restoreArchive: async ({ taskDir, path }) => ({ restored: restoreDestination(archivedFile(world, taskDir, path)) }),
    deleteArchive: async ({ taskDir, path }) => {
      const f = archivedFile(world, taskDir, path);
      world.archives.set(
        taskDir,
        (world.archives.get(taskDir) ?? []).filter((x) => x !== f),
      );
      return { deleted: `${taskDir}/${path}`, storedBytes: f.storedBytes };
    },
    readArchive: async ({ taskDir, path }) => {
      const f = archivedFile(world, taskDir, path);
      const text = Array.from({ length: 40 }, (_, i) =>
        JSON.stringify({ type: 'assistant', text: `archived line ${i} of ${f.agentId}` }),
      ).join('\n');
      return { path, text, bytes: f.bytes, truncated: f.bytes > text.length };
    },
    previewRetention: async () => retention(),
    applyRetention: async () => {
      const p = retention();
      applyRetentionPlan(world.archives, p);
      return p;
    },
    diskUsage: async () => {
      const roots = diskRoots(world);
      const total = (k: Usage) => roots.reduce((n, r) => n + r[k], 0);
      const history = engine.opts.empty ? [] : diskHistory(total);
      return { roots, history, reclaimableBytes: retention().reclaimBytes };
    },
  };
}
