import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { runCleanup } from '../../src/core/index.js';
import { readProcEntry } from '../../src/core/platform/proc-table.js';
import { terminateAll } from '../../src/core/platform/process-killer.js';
import { listFiles, makeTask } from '../helpers/fixture.js';
import { Sandbox, isRunning, sha256File } from '../helpers/sandbox.js';
import { gunzipHash } from '../helpers/tree.js';

const isRoot = process.getuid?.() === 0;
/** As another user, the mount runs in a user and mount namespace of its own (root there, this user outside). */
const USERNS = ['--user', '--map-root-user', '--mount'];
const canUnshare = !isRoot && spawnSync('unshare', [...USERNS, 'true'], { stdio: 'ignore' }).status === 0;
const XDEV_TEST = 'copies, fsyncs, verifies and only then unlinks: uncompressed by default, gzip with compressAfterDays 0';

/** Runs the EXDEV test alone, in this file, inside a user and mount namespace: root there, this user outside. */
async function runInUserNamespace(): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  // Without the runner's own NODE_TEST_CONTEXT, the inner run reports in TAP like a run of its own.
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const args = [...USERNS, process.execPath, '--import', 'tsx', '--test', '--test-reporter=tap', '--test-name-pattern', XDEV_TEST, self];
  const run = await execa('unshare', args, { reject: false, env, extendEnv: false });
  assert.equal(run.exitCode, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /^ +ok 1 - copies, fsyncs[^#\n]*$/m, run.stdout);
  assert.match(run.stdout, /^# fail 0$/m, run.stdout);
}

describe('archive/ on another file system (EXDEV)', () => {
  let sb: Sandbox;
  const mounts: string[] = [];
  before(() => {
    sb = Sandbox.create();
  });
  after(async () => {
    for (const m of mounts) await execa('umount', [m], { reject: false });
    await sb.cleanup();
  });

  // Mounting a tmpfs needs root: a user who is not runs this test again inside `unshare`, where it may mount.
  it(XDEV_TEST, { skip: isRoot || canUnshare ? false : 'needs root or unprivileged user namespaces' }, async () => {
    if (!isRoot) return runInUserNamespace();
    const plain = makeTask(sb.workspace, [{ id: 'xdev-1', status: 'completed', tmux_session: null }]);
    const packed = makeTask(sb.workspace, [{ id: 'xdev-2', status: 'completed', tmux_session: null }]);
    for (const t of [plain, packed]) {
      fs.mkdirSync(t.archive);
      await execa('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', t.archive]);
      mounts.push(t.archive);
      assert.notEqual(fs.statSync(t.archive).dev, fs.statSync(t.logs).dev);
    }
    const body = Buffer.from('x'.repeat(100_000) + 'end\n');
    const hash = createHash('sha256').update(body).digest('hex');
    plain.log('xdev-1_stream.jsonl', body);
    packed.log('xdev-2_stream.jsonl', body);

    // The default keeps the exact name, uncompressed: across devices that is a verified copy, not a hard link.
    const r1 = await runCleanup(sb.config({ minFreeBytes: 1024 }), { dryRun: false, onlyAgent: 'xdev-1' });
    const r2 = await runCleanup(sb.config({ compressAfterDays: 0, minFreeBytes: 1024 }), { dryRun: false, onlyAgent: 'xdev-2' });

    for (const r of [r1, r2]) {
      assert.equal(r.errors.length, 0, JSON.stringify(r.errors));
      assert.deepEqual(
        r.actions.map((a) => `${a.kind}:${a.outcome}`),
        ['archive-file:done', 'record-outcome:done'],
        JSON.stringify(r.actions),
      );
    }
    assert.deepEqual(listFiles(plain.archive), ['JOURNAL.jsonl', 'MANIFEST.jsonl', 'xdev-1_stream.jsonl']);
    assert.equal(sha256File(path.join(plain.archive, 'xdev-1_stream.jsonl')), hash);
    assert.deepEqual(listFiles(packed.archive), ['JOURNAL.jsonl', 'MANIFEST.jsonl', 'xdev-2_stream.jsonl.gz']);
    assert.equal(gunzipHash(path.join(packed.archive, 'xdev-2_stream.jsonl.gz')), hash);
    assert.deepEqual(listFiles(plain.logs), []);
    assert.deepEqual(listFiles(packed.logs), []);
    for (const t of [plain, packed]) assert.ok(!listFiles(t.archive).some((f) => f.startsWith('.aj-tmp-')), 'no temp copies left behind');
  });
});

describe('PID reuse guard', () => {
  it('never signals a PID whose start time differs from the snapshot', async () => {
    const child = spawn('sleep', ['100008'], { stdio: 'ignore' });
    try {
      const real = readProcEntry(child.pid!);
      assert.ok(real);
      // Same PID, another start time: what a recycled PID looks like to a stale snapshot.
      const stale = { ...real, start: String(Number(real.start) - 1) };
      const result = await terminateAll([stale], 100, 1000);
      assert.deepEqual(result.signalled, []);
      assert.ok(isRunning(child.pid!), 'the process now holding the PID is untouched');
      const fresh = await terminateAll([real], 100, 1000);
      assert.deepEqual(
        fresh.signalled.map((p) => p.pid),
        [child.pid],
      );
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('files swapped for something else', () => {
  it('a log or registry replaced by a FIFO is refused without hanging the sweep', async () => {
    const sb = Sandbox.create();
    try {
      const task = makeTask(sb.workspace, [{ id: 'fifo-1', status: 'completed', tmux_session: null }]);
      await execa('mkfifo', [path.join(task.logs, 'fifo-1_stream.jsonl')]);
      const other = makeTask(sb.workspace, []);
      fs.rmSync(other.registry);
      await execa('mkfifo', [other.registry]);
      const report = await runCleanup(sb.config(), { dryRun: false });
      const archive = report.actions.find((a) => a.kind === 'archive-file');
      assert.equal(archive?.outcome, 'skipped', JSON.stringify(archive));
      assert.ok(
        report.errors.some((e) => e.path === other.registry && /not a regular file/.test(e.message)),
        JSON.stringify(report.errors),
      );
      assert.ok(fs.lstatSync(path.join(task.logs, 'fifo-1_stream.jsonl')).isFIFO());
    } finally {
      await sb.cleanup();
    }
  });
});
