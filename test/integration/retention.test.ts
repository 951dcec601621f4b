import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { applyRetention, planRetention } from '../../src/core/app/retention.js';
import { DaemonProcess } from '../helpers/daemon-process.js';
import { makeTask } from '../helpers/fixture.js';
import { sandboxPool, type Sandbox } from '../helpers/sandbox.js';

const pool = sandboxPool();
after(() => pool.cleanupAll());
const DAY = 24 * 3600 * 1000;

/** Archived files as the archiver leaves them: the file in archive/ and its MANIFEST line (archivedAt = ts). */
function archived(sb: Sandbox, specs: { agent: string; ageDays: number; bytes: number }[]): string[] {
  const task = makeTask(sb.workspace, specs.map((s) => ({ id: s.agent, status: 'completed', tmux_session: null })));
  fs.mkdirSync(task.archive);
  return specs.map((s) => {
    const rel = `archive/${s.agent}_stream.jsonl`;
    fs.writeFileSync(path.join(task.dir, rel), 'x'.repeat(s.bytes));
    const entry = { ts: new Date(Date.now() - s.ageDays * DAY).toISOString(), agentId: s.agent, source: `logs/${s.agent}_stream.jsonl`, archive: rel, bytes: s.bytes, sha256: 'n/a', compression: 'none', storedBytes: s.bytes };
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
    const config = sb.config({ retention: { maxAgeDays: 30, maxBytesPerRoot: 350 } });
    const planned = await planRetention(config);
    assert.deepEqual(planned.remove.map((r) => path.basename(r.path)), ['a-1_stream.jsonl', 'a-2_stream.jsonl']);
    assert.match(planned.remove[0]!.reason, /past the 30-day limit/);
    assert.match(planned.remove[1]!.reason, /over the 350-byte limit/);
    assert.equal(planned.reclaimBytes, 300);
    assert.ok(fs.existsSync(old!) && fs.existsSync(mid!), 'a plan deletes nothing');

    const applied = await applyRetention(config);
    assert.equal(applied.reclaimBytes, 300);
    assert.equal(fs.existsSync(old!), false);
    assert.equal(fs.existsSync(mid!), false);
    assert.equal(fs.readFileSync(fresh!, 'utf8').length, 300, 'the newest archive is kept');
    const journal = fs.readFileSync(path.join(path.dirname(fresh!), 'JOURNAL.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(journal.map((j) => j.results[0].kind), ['delete-archive', 'delete-archive']);
    assert.ok(journal.every((j) => j.reason.startsWith('retention: ')));
    assert.equal((await planRetention(config)).remove.length, 0, 'a second pass has nothing left to do');
  });

  it('keeps everything when no limit is set', async () => {
    const sb = pool.fresh();
    const files = archived(sb, [{ agent: 'k-1', ageDays: 4000, bytes: 10 }]);
    assert.equal((await planRetention(sb.config())).remove.length, 0);
    assert.ok(fs.existsSync(files[0]!));
  });

  it('the daemon applies configured retention after its full sweep and says so', async () => {
    const sb = pool.fresh();
    const [old, fresh] = archived(sb, [
      { agent: 'd-1', ageDays: 10, bytes: 50 },
      { agent: 'd-2', ageDays: 0, bytes: 50 },
    ]);
    const configFile = path.join(sb.dir, 'retention.json');
    fs.writeFileSync(configFile, JSON.stringify({ retention: { maxAgeDays: 5 } }));
    const d = DaemonProcess.start(sb, ['--config', configFile]);
    try {
      const event = await d.waitFor((e) => e.event === 'retention');
      assert.ok(event.event === 'retention' && event.removed === 1 && event.reclaimBytes === 50);
      assert.equal(fs.existsSync(old!), false);
      assert.ok(fs.existsSync(fresh!));
    } finally {
      assert.equal(await d.stop('SIGTERM'), 0);
    }
  });
});
