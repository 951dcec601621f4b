import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, describe, it } from 'node:test';
import { readActivity } from '../../src/core/service/activity.js';
import { applyRetention, planRetention } from '../../src/core/sweep/retention.js';
import { DaemonProcess } from '../helpers/daemon-process.js';
import { makeTask } from '../helpers/fixture.js';
import { sandboxPool, waitFor, type Sandbox } from '../helpers/sandbox.js';
import { callApi } from '../helpers/ui-window.js';

const pool = sandboxPool();
after(() => pool.cleanupAll());
const DAY = 24 * 3600 * 1000;

/** Archived files as the archiver leaves them: the file in archive/ and its MANIFEST line (archivedAt = ts). */
function archived(sb: Sandbox, specs: { agent: string; ageDays: number; bytes: number }[]): string[] {
  const task = makeTask(
    sb.workspace,
    specs.map((s) => ({ id: s.agent, status: 'completed', tmux_session: null })),
  );
  fs.mkdirSync(task.archive);
  return specs.map((s) => {
    const rel = `archive/${s.agent}_stream.jsonl`;
    const content = 'x'.repeat(s.bytes);
    fs.writeFileSync(path.join(task.dir, rel), content);
    const sha256 = createHash('sha256').update(content).digest('hex');
    const entry = {
      ts: new Date(Date.now() - s.ageDays * DAY).toISOString(),
      agentId: s.agent,
      source: `logs/${s.agent}_stream.jsonl`,
      archive: rel,
      bytes: s.bytes,
      sha256,
      compression: 'none',
      storedBytes: s.bytes,
    };
    fs.appendFileSync(path.join(task.archive, 'MANIFEST.jsonl'), JSON.stringify(entry) + '\n');
    return path.join(task.dir, rel);
  });
}

describe('retention (SPEC.md: by age and by total size per root, oldest first)', () => {
  it('plans by age, then by size from the oldest, and deletes exactly what it planned, journaled', async () => {
    const sb = pool.fresh();
    const [old, mid, fresh] = archived(sb, [
      { agent: 'a-1', ageDays: 40, bytes: 100 },
      { agent: 'a-2', ageDays: 20, bytes: 200 },
      { agent: 'a-3', ageDays: 1, bytes: 300 },
    ]);
    // Removal alone: compression off (the next test covers compressing before removing).
    const config = sb.config({ compression: 'none', retention: { maxAgeDays: 30, maxBytesPerRoot: 350 } });
    const planned = await planRetention(config);
    assert.deepEqual(
      planned.remove.map((r) => path.basename(r.path)),
      ['a-1_stream.jsonl', 'a-2_stream.jsonl'],
    );
    assert.match(planned.remove[0]!.reason, /past the 30-day limit/);
    assert.match(planned.remove[1]!.reason, /over the 350-byte limit/);
    assert.equal(planned.reclaimBytes, 300);
    assert.ok(fs.existsSync(old!) && fs.existsSync(mid!), 'a plan deletes nothing');

    const applied = await applyRetention(config);
    assert.equal(applied.reclaimBytes, 300);
    assert.equal(fs.existsSync(old!), false);
    assert.equal(fs.existsSync(mid!), false);
    assert.equal(fs.readFileSync(fresh!, 'utf8').length, 300, 'the newest archive is kept');
    const journal = fs
      .readFileSync(path.join(path.dirname(fresh!), 'JOURNAL.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    // One entry for the run, listing every file it deleted (issue 10: not one entry per file).
    assert.equal(journal.length, 1);
    assert.deepEqual(
      journal[0].results.map((r: { kind: string; target: string }) => [r.kind, path.basename(r.target)]),
      [
        ['delete-archive', 'a-1_stream.jsonl'],
        ['delete-archive', 'a-2_stream.jsonl'],
      ],
    );
    assert.match(journal[0].reason, /^retention run \(maxAgeDays 30, maxBytesPerRoot 350\)$/);
    assert.equal((await planRetention(config)).remove.length, 0, 'a second pass has nothing left to do');
  });

  it('a run over several tasks is one Activity entry listing every file by task; each task keeps its own journal line', async () => {
    const sb = pool.fresh();
    const files = [
      ...archived(sb, [{ agent: 'b-1', ageDays: 40, bytes: 10 }]),
      ...archived(sb, [{ agent: 'c-1', ageDays: 50, bytes: 10 }]),
    ];
    await applyRetention(sb.config({ compression: 'none', retention: { maxAgeDays: 30, maxBytesPerRoot: null } }));
    for (const f of files) {
      assert.equal(fs.existsSync(f!), false);
      assert.equal(
        fs
          .readFileSync(path.join(path.dirname(f!), 'JOURNAL.jsonl'), 'utf8')
          .trim()
          .split('\n').length,
        1,
      );
    }
    const { entries, total } = readActivity([sb.root], path.join(sb.dir, 'state'), '', 50);
    assert.equal(total, 1);
    assert.match(entries[0]!.reason, /^retention run \(maxAgeDays 30\): 0 compressed, 2 deleted$/);
    assert.equal(entries[0]!.task, '2 tasks');
    assert.deepEqual(entries[0]!.results.map((r) => r.target.replace(/^TASK-[^/]+\//, 'TASK/')).sort(), [
      'TASK/archive/b-1_stream.jsonl',
      'TASK/archive/c-1_stream.jsonl',
    ]);
  });

  it('compresses before it deletes: gzip may bring a root under its size limit, and age still counts from archiving', async () => {
    const sb = pool.fresh();
    const task = makeTask(sb.workspace, [
      { id: 'z-1', status: 'completed', tmux_session: null },
      { id: 'z-2', status: 'completed', tmux_session: null },
    ]);
    fs.mkdirSync(task.archive);
    const put = (agent: string, content: Buffer, ageDays: number) => {
      const rel = `archive/${agent}_stream.jsonl`;
      fs.writeFileSync(path.join(task.dir, rel), content);
      const entry = {
        ts: new Date(Date.now() - ageDays * DAY).toISOString(),
        agentId: agent,
        source: `logs/${agent}_stream.jsonl`,
        archive: rel,
        bytes: content.length,
        sha256: createHash('sha256').update(content).digest('hex'),
        compression: 'none',
        storedBytes: content.length,
      };
      fs.appendFileSync(path.join(task.archive, 'MANIFEST.jsonl'), JSON.stringify(entry) + '\n');
    };
    put('z-1', Buffer.from('x'.repeat(40_000)), 20);
    put('z-2', randomBytes(40_000), 1);
    const config = sb.config({ retention: { maxBytesPerRoot: 50_000 } });
    const preview = await planRetention(config);
    assert.deepEqual(
      preview.compress.map((c) => c.path),
      ['archive/z-1_stream.jsonl'],
    );
    assert.deepEqual(
      preview.remove.map((r) => r.path),
      ['archive/z-1_stream.jsonl'],
      'counted before compression, the root is over',
    );

    const done = await applyRetention(config);
    assert.deepEqual(
      done.compress.map((c) => c.path),
      ['archive/z-1_stream.jsonl'],
    );
    assert.deepEqual(done.remove, [], 'compressed, the root fits: nothing deleted');
    assert.deepEqual(
      fs
        .readdirSync(task.archive)
        .filter((f) => f.startsWith('z-'))
        .sort(),
      ['z-1_stream.jsonl.gz', 'z-2_stream.jsonl'],
    );

    const byAge = await applyRetention(sb.config({ retention: { maxAgeDays: 10 } }));
    assert.deepEqual(
      byAge.remove.map((r) => r.path),
      ['archive/z-1_stream.jsonl.gz'],
      'the compressed form is as old as the file it was',
    );
    assert.deepEqual(
      fs.readdirSync(task.archive).filter((f) => f.startsWith('z-')),
      ['z-2_stream.jsonl'],
    );
  });

  it('keeps everything when no limit is set', async () => {
    const sb = pool.fresh();
    const files = archived(sb, [{ agent: 'k-1', ageDays: 4000, bytes: 10 }]);
    const byDefault = await planRetention(sb.config());
    assert.deepEqual([byDefault.remove.length, byDefault.compress.length], [0, 1], 'by default an old file is only compressed');
    const off = await planRetention(sb.config({ compression: 'none' }));
    assert.deepEqual([off.remove.length, off.compress.length], [0, 0]);
    await applyRetention(sb.config({ compression: 'none' }));
    assert.ok(fs.existsSync(files[0]!));
  });

  it('a daemon started paused applies no retention until it is resumed', async () => {
    const sb = pool.fresh();
    const [old, week] = archived(sb, [
      { agent: 'p-1', ageDays: 40, bytes: 50 },
      { agent: 'p-2', ageDays: 10, bytes: 5000 },
    ]);
    const before = [fs.readFileSync(old!), fs.readFileSync(week!)];
    const configFile = path.join(sb.dir, 'retention.json');
    fs.writeFileSync(configFile, JSON.stringify({ retention: { maxAgeDays: 30 } }));
    const d = DaemonProcess.start(sb, ['--config', configFile, '--ui', '--start-paused']);
    try {
      const ready = await d.waitFor((e) => e.event === 'ready');
      assert.ok(ready.event === 'ready' && ready.paused);
      // Retention after a full sweep starts within milliseconds of it; a second is ample to see it did not.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.deepEqual([fs.readFileSync(old!), fs.readFileSync(week!)], before, 'nothing compressed or removed while paused');
      assert.equal(d.events.filter((e) => e.event === 'retention').length, 0);
      // Resumed: the full sweep it runs is followed by retention, which removes the file past the 30-day limit.
      assert.ok(await waitFor(() => /UI at http/.test(d.stderr)), d.stderr);
      await callApi({ url: new URL(/UI at (\S+)/.exec(d.stderr)![1]!) }, 'setPaused', { paused: false });
      await d.waitFor((e) => e.event === 'retention');
      assert.ok(!fs.existsSync(old!), 'resumed: the file past the age limit is removed');
    } finally {
      assert.equal(await d.stop('SIGTERM'), 0);
    }
  });

  it('the daemon applies configured retention and the default delayed compression after its full sweep, and says so', async () => {
    const sb = pool.fresh();
    const [old, week, fresh] = archived(sb, [
      { agent: 'd-1', ageDays: 40, bytes: 50 },
      { agent: 'd-2', ageDays: 10, bytes: 5000 },
      { agent: 'd-3', ageDays: 0, bytes: 50 },
    ]);
    const configFile = path.join(sb.dir, 'retention.json');
    fs.writeFileSync(configFile, JSON.stringify({ retention: { maxAgeDays: 30 } }));
    const d = DaemonProcess.start(sb, ['--config', configFile]);
    try {
      const event = await d.waitFor((e) => e.event === 'retention');
      assert.ok(event.event === 'retention');
      assert.deepEqual(
        { compressed: event.compressed, removed: event.removed, reclaimBytes: event.reclaimBytes },
        { compressed: 1, removed: 1, reclaimBytes: 50 },
      );
      assert.equal(fs.existsSync(old!), false);
      assert.equal(fs.existsSync(week!), false, 'past compressAfterDays (7 by default): gzipped in place');
      assert.equal(zlib.gunzipSync(fs.readFileSync(`${week!}.gz`)).toString(), 'x'.repeat(5000));
      assert.ok(fs.existsSync(fresh!));
    } finally {
      assert.equal(await d.stop('SIGTERM'), 0);
    }
  });
});
