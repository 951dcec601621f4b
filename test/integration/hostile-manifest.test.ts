import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { listArchives, deleteArchive, withListedFile } from '../../src/core/archive/archive-catalog.js';
import { applyRetention, planRetention } from '../../src/core/sweep/retention.js';
import { runCleanup } from '../../src/core/index.js';
import { tryLockTask } from '../../src/core/workspace/task-lock.js';
import { makeTask } from '../helpers/fixture.js';
import { sandboxPool, type Sandbox } from '../helpers/sandbox.js';
import { LOCK_NAME } from '../../src/core/workspace/layout.js';

const pool = sandboxPool();
after(() => pool.cleanupAll());
const DAY = 24 * 3600 * 1000;

/** An outside folder with a file in it, and how it looked: nothing the janitor does may change either. */
function canaryDir(sb: Sandbox): { dir: string; file: string; check: () => void } {
  const dir = path.join(sb.dir, 'outside');
  fs.mkdirSync(dir);
  const file = path.join(dir, 'x');
  fs.writeFileSync(file, 'precious\n');
  const before = { dir: fs.statSync(dir).mtimeMs, file: fs.statSync(file).mtimeMs };
  return {
    dir,
    file,
    check: () => {
      assert.equal(fs.readFileSync(file, 'utf8'), 'precious\n', 'the outside file is intact');
      assert.equal(fs.statSync(file).mtimeMs, before.file, 'its mtime is unchanged');
      assert.equal(fs.statSync(dir).mtimeMs, before.dir, 'the outside folder is unchanged');
    },
  };
}

const line = (archive: string, bytes: number, sha256: string, ageDays: number) =>
  JSON.stringify({
    ts: new Date(Date.now() - ageDays * DAY).toISOString(),
    agentId: 'm-1',
    source: 'logs/m-1_stream.jsonl',
    archive,
    bytes,
    sha256,
    compression: 'none',
    storedBytes: bytes,
  }) + '\n';

describe('manifest entries are data, never paths to trust (issue 9 point 1)', () => {
  it('an entry naming a file through a symlinked folder in archive/ is never listed, opened, deleted or counted', async () => {
    const sb = pool.fresh();
    const outside = canaryDir(sb);
    const task = makeTask(sb.workspace, [{ id: 'm-1', status: 'completed', tmux_session: null }]);
    fs.mkdirSync(task.archive);
    fs.symlinkSync(outside.dir, path.join(task.archive, 'link'));
    const sha = createHash('sha256').update('precious\n').digest('hex');
    for (const name of ['archive/link/x', 'archive/./link/x', 'archive/../../outside/x', 'archive/link']) {
      fs.appendFileSync(path.join(task.archive, 'MANIFEST.jsonl'), line(name, 9, sha, 400));
    }
    const config = sb.config({ retention: { maxAgeDays: 1, maxBytesPerRoot: 1 } });

    assert.deepEqual(
      (await listArchives([sb.root])).flatMap((t) => t.files),
      [],
    );
    assert.deepEqual((await planRetention(config)).remove, []);
    await applyRetention(config);
    await assert.rejects(
      withListedFile([sb.root], task.dir, 'archive/link/x', async () => 'opened'),
      /not an archived file of this task/,
    );
    await assert.rejects(deleteArchive([sb.root], task.dir, 'archive/link/x', 'test'), /not an archived file of this task/);
    outside.check();
  });

  it('one file under two names (hard links) is counted once, so the size limit removes nothing it should not', async () => {
    const sb = pool.fresh();
    const task = makeTask(sb.workspace, [{ id: 'm-1', status: 'completed', tmux_session: null }]);
    fs.mkdirSync(task.archive);
    const body = 'y'.repeat(600);
    const sha = createHash('sha256').update(body).digest('hex');
    fs.writeFileSync(path.join(task.archive, 'm-1_stream.jsonl'), body);
    fs.linkSync(path.join(task.archive, 'm-1_stream.jsonl'), path.join(task.archive, 'm-1_stream.jsonl~1'));
    fs.appendFileSync(
      path.join(task.archive, 'MANIFEST.jsonl'),
      line('archive/m-1_stream.jsonl', 600, sha, 3) + line('archive/m-1_stream.jsonl~1', 600, sha, 3),
    );
    // 600 bytes stored, under a 1,000-byte limit: counted twice it would look like 1,200 and lose a name.
    const plan = await planRetention(sb.config({ compression: 'none', retention: { maxBytesPerRoot: 1000 } }));
    assert.deepEqual(plan.remove, []);
    assert.equal((await listArchives([sb.root])).flatMap((t) => t.files).length, 1);
  });
});

describe('a task lock that is a symlink (issue 9 point 1)', () => {
  it('is refused: the task is left alone, and the target is neither touched nor removed', async () => {
    const sb = pool.fresh();
    const outside = canaryDir(sb);
    const task = makeTask(sb.workspace, [{ id: 'l-1', status: 'completed', tmux_session: null }]);
    const log = task.log('l-1_stream.jsonl', 'keep\n');
    fs.symlinkSync(outside.dir, path.join(task.dir, LOCK_NAME));
    const lock = await tryLockTask(task.dir, 15_000);
    assert.ok('unavailable' in lock && lock.failed && /not a folder/.test(lock.unavailable), JSON.stringify(lock));
    // Old enough that proper-lockfile alone would call it stale and remove it.
    const old = new Date(Date.now() - 3600_000);
    fs.utimesSync(outside.dir, old, old);
    const oldMtime = fs.statSync(outside.dir).mtimeMs;
    const report = await runCleanup(sb.config(), { dryRun: false });
    assert.ok(
      report.actions.filter((a) => a.task === task.dir).every((a) => a.outcome === 'failed' && /not a folder/.test(a.error ?? '')),
      JSON.stringify(report.actions),
    );
    assert.ok(fs.existsSync(log), 'the task is left as it was');
    assert.ok(fs.lstatSync(path.join(task.dir, LOCK_NAME)).isSymbolicLink());
    assert.equal(fs.statSync(outside.dir).mtimeMs, oldMtime, "the target's mtime is unchanged");
    assert.equal(fs.readFileSync(outside.file, 'utf8'), 'precious\n');
  });
});
