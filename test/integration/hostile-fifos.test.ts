import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runJson } from '../helpers/cli.js';
import { DaemonProcess } from '../helpers/daemon-process.js';
import { makeTask, type TaskFixture } from '../helpers/fixture.js';
import { sandboxPool, sha256File, type Sandbox } from '../helpers/sandbox.js';
import { INTENTS_FILE } from '../../src/core/workspace/layout.js';

const pool = sandboxPool();
after(() => pool.cleanupAll());

function mkfifo(file: string): void {
  const r = spawnSync('mkfifo', [file]);
  assert.equal(r.status, 0, String(r.stderr));
}

interface Case {
  name: string;
  /** Where the FIFO goes, relative to the task folder. */
  fifo: string;
}

/** The three append-only files a sweep reads or writes in a task, each replaced by a FIFO in a task of its own. */
const CASES: Case[] = [
  { name: 'intents', fifo: INTENTS_FILE },
  { name: 'journal', fifo: 'archive/JOURNAL.jsonl' },
  { name: 'manifest', fifo: 'archive/MANIFEST.jsonl' },
];

/** One finished agent per task with a live session, a log and a prompt; `fifo` planted where the case says. */
async function world(sb: Sandbox): Promise<{ tasks: Map<string, { task: TaskFixture; id: string; log: string; hash: string }> }> {
  const tasks = new Map<string, { task: TaskFixture; id: string; log: string; hash: string }>();
  for (const c of [...CASES, { name: 'plain', fifo: '' }]) {
    const id = `ff-${c.name}`;
    const task = makeTask(sb.workspace, [{ id, status: 'completed', tmux_session: `agent_${id}` }]);
    const log = task.log(`${id}_stream.jsonl`, `{"agent":"${id}"}\n`);
    task.prompt(id);
    await sb.startSession(`agent_${id}`);
    if (c.fifo) {
      fs.mkdirSync(task.archive, { recursive: true });
      mkfifo(path.join(task.dir, c.fifo));
    }
    tasks.set(c.name, { task, id, log, hash: sha256File(log) });
  }
  return { tasks };
}

describe('a FIFO in place of a file the janitor appends to (issue 9: one FIFO stopped everything)', () => {
  it('the sweep finishes, names each FIFO, loses nothing, and cleans the other tasks', async () => {
    const sb = pool.fresh();
    const { tasks } = await world(sb);

    const { exitCode, report } = await runJson(sb, ['sweep']);

    assert.equal(exitCode, 1, 'a failed action makes exit code 1');
    const plain = tasks.get('plain')!;
    assert.equal(sha256File(path.join(plain.task.archive, `${plain.id}_stream.jsonl`)), plain.hash, 'the plain task is cleaned');
    assert.ok(!(await sb.sessions()).includes(`agent_${plain.id}`));
    const said = JSON.stringify([...report.errors, ...report.actions.filter((a) => a.outcome === 'failed')]);
    for (const c of CASES) {
      const { task, id, log, hash } = tasks.get(c.name)!;
      assert.ok(said.includes(path.join(task.dir, c.fifo)), `${c.name}: the FIFO is named: ${said}`);
      assert.ok(fs.lstatSync(path.join(task.dir, c.fifo)).isFIFO(), `${c.name}: the FIFO is left as it was`);
      // Nothing lost: the log is still in logs/ or archived intact.
      const archived = path.join(task.archive, `${id}_stream.jsonl`);
      assert.ok((fs.existsSync(log) && sha256File(log) === hash) || sha256File(archived) === hash, `${c.name}: the log is kept`);
    }
    const intents = tasks.get('intents')!;
    assert.ok((await sb.sessions()).includes(`agent_${intents.id}`), 'without an intent journal nothing is done for the agent');
    assert.ok(fs.existsSync(intents.log));
    const manifest = tasks.get('manifest')!;
    assert.ok(fs.existsSync(manifest.log), 'without a manifest line the source is never unlinked');
  });

  it('the daemon does its start sweep over the same FIFOs and ends promptly on SIGTERM', async () => {
    const sb = pool.fresh();
    await world(sb);
    const d = DaemonProcess.start(sb);
    try {
      await d.waitFor((e) => e.event === 'ready', 30_000);
    } finally {
      const started = Date.now();
      assert.equal(await d.stop('SIGTERM'), 0);
      assert.ok(Date.now() - started < 10_000, 'SIGTERM ended the daemon within its drain limit');
    }
  });
});
