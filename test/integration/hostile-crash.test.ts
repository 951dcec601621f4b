import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import { runCleanup } from '../../src/core/index.js';
import { parseIntents } from '../../src/core/workspace/intents.js';
import { tryLockTask } from '../../src/core/workspace/task-lock.js';
import { makeTask } from '../helpers/fixture.js';
import { deadPid, sandboxPool, sha256File, waitFor } from '../helpers/sandbox.js';
import { INTENTS_FILE, LOCK_NAME } from '../../src/core/workspace/layout.js';

const pool = sandboxPool();
after(() => pool.cleanupAll());
const LOCK_MODULE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/core/workspace/task-lock.ts');

/** Another janitor process that takes the task's lock and holds it until killed. */
async function holder(taskDir: string): Promise<ChildProcess> {
  const code = `const { tryLockTask } = await import(${JSON.stringify(LOCK_MODULE)}); const lock = await tryLockTask(${JSON.stringify(taskDir)}, 15000); console.log('release' in lock ? 'locked' : 'refused'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  assert.ok(await waitFor(() => out.includes('locked') || out.includes('refused'), 20_000), 'the holder answered');
  assert.match(out, /locked/);
  return child;
}

async function kill9(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('task locks after a crash (issue 9 point 7)', () => {
  it('a live janitor holding the lock is respected; killed with SIGKILL, its lock is taken over at once, even with an mtime a second ahead', async () => {
    const sb = pool.fresh();
    const task = makeTask(sb.workspace, []);
    const child = await holder(task.dir);
    try {
      const refused = await tryLockTask(task.dir, 15_000);
      assert.ok(
        'unavailable' in refused && !refused.failed && /another agent-janitor/.test(refused.unavailable),
        'a live holder keeps its lock',
      );
    } finally {
      await kill9(child);
    }
    const lockDir = path.join(task.dir, LOCK_NAME);
    const ahead = new Date(Date.now() + 1000);
    fs.utimesSync(lockDir, ahead, ahead);

    const taken = await tryLockTask(task.dir, 15_000);
    assert.ok('release' in taken, `taken over at once: ${JSON.stringify(taken)}`);
    const notes = fs.readdirSync(task.dir).filter((f) => f.startsWith(`${LOCK_NAME}.`) && f.endsWith('.owner'));
    assert.equal(notes.length, 1, `only the new owner's note is left: ${notes.join(', ')}`);
    await taken.release();
    assert.deepEqual(
      fs.readdirSync(task.dir).filter((f) => f.startsWith(LOCK_NAME)),
      [],
      'released: no lock and no note left',
    );
  });

  it('a lock left the moment after it was taken (no refresh yet, mtime a second ahead) is taken over at once when its note names a dead process', async () => {
    const sb = pool.fresh();
    const task = makeTask(sb.workspace, []);
    const dead = deadPid();
    fs.writeFileSync(path.join(task.dir, `${LOCK_NAME}.${dead}-12345.owner`), `${dead} 12345`);
    const lockDir = path.join(task.dir, LOCK_NAME);
    fs.mkdirSync(lockDir);
    const ahead = new Date(Date.now() + 1000);
    fs.utimesSync(lockDir, ahead, ahead);
    const taken = await tryLockTask(task.dir, 15_000);
    assert.ok('release' in taken, `taken over at once: ${JSON.stringify(taken)}`);
    await taken.release();
  });

  it('a note that is a symlink or a FIFO claims nothing and is never followed or blocked on', async () => {
    const sb = pool.fresh();
    const task = makeTask(sb.workspace, []);
    const canary = path.join(sb.dir, 'canary.txt');
    fs.writeFileSync(canary, '1 0\n');
    const before = fs.statSync(canary);
    fs.symlinkSync(canary, path.join(task.dir, `${LOCK_NAME}.1-0.owner`));
    const child = await holder(task.dir);
    await kill9(child);
    // The dead holder's note remains beside the planted ones; the FIFO must not hang the reader.
    const fifo = path.join(task.dir, `${LOCK_NAME}.2-0.owner`);
    const mk = spawn('mkfifo', [fifo]);
    await new Promise((resolve) => mk.once('exit', resolve));
    const taken = await tryLockTask(task.dir, 15_000);
    assert.ok('release' in taken, `taken over: ${JSON.stringify(taken)}`);
    await taken.release();
    assert.equal(fs.readFileSync(canary, 'utf8'), '1 0\n');
    assert.equal(fs.statSync(canary).mtimeMs, before.mtimeMs);
  });

  it('a resumed cleanup records the scrollback a crash left in archive/ without its manifest line, and only its own', async () => {
    const sb = pool.fresh();
    const task = makeTask(sb.workspace, [
      { id: 'rc-1', status: 'completed', tmux_session: 'agent_rc-1' },
      { id: 'rc-10', status: 'running', tmux_session: 'agent_rc-10' },
    ]);
    await sb.startSession('agent_rc-10');
    const log = task.log('rc-1_stream.jsonl', '{"n":1}\n');
    const logHash = sha256File(log);
    // The crash: the intent was written, the session killed, the scrollback linked into archive/, and then nothing.
    fs.writeFileSync(
      path.join(task.dir, INTENTS_FILE),
      JSON.stringify({
        op: 'begin',
        ts: new Date().toISOString(),
        agentId: 'rc-1',
        reason: 'status completed',
        session: 'agent_rc-1',
        pids: [],
      }) + '\n',
    );
    fs.mkdirSync(task.archive);
    const lastWords = 'the last words of rc-1\n';
    fs.writeFileSync(path.join(task.archive, 'rc-1_scrollback.txt'), lastWords);
    fs.writeFileSync(path.join(task.archive, 'rc-10_scrollback.txt'), 'a twin, not resumed\n');
    fs.writeFileSync(path.join(task.archive, 'MANIFEST.jsonl'), '');

    const report = await runCleanup(sb.config(), { dryRun: false });

    assert.deepEqual(report.errors, []);
    const manifest = fs
      .readFileSync(path.join(task.archive, 'MANIFEST.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { agentId: string; source: string; archive: string; sha256: string });
    const scrollback = manifest.filter((m) => m.archive.includes('scrollback'));
    assert.deepEqual(
      scrollback.map((m) => [m.agentId, m.source, m.archive, m.sha256]),
      [['rc-1', 'tmux:agent_rc-1', 'archive/rc-1_scrollback.txt', createHash('sha256').update(lastWords).digest('hex')]],
    );
    assert.deepEqual(
      manifest.filter((m) => m.archive === 'archive/rc-1_stream.jsonl').map((m) => m.sha256),
      [logHash],
    );
    assert.equal(
      parseIntents(fs.readFileSync(path.join(task.dir, INTENTS_FILE), 'utf8')).pending.size,
      0,
      'the interrupted cleanup is closed',
    );
    const again = await runCleanup(sb.config(), { dryRun: false });
    assert.deepEqual(
      again.actions.filter((a) => a.agentId === 'rc-1'),
      [],
      'nothing left to do',
    );
    assert.equal(
      fs.readFileSync(path.join(task.archive, 'MANIFEST.jsonl'), 'utf8').trim().split('\n').length,
      manifest.length,
      'recorded once',
    );
  });
});
