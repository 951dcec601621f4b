import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { tree } from '../helpers/tree.js';
import { runJson } from '../helpers/cli.js';
import { listFiles, makeTask } from '../helpers/fixture.js';
import type { Sandbox } from '../helpers/sandbox.js';
import { sandboxPool, sha256File } from '../helpers/sandbox.js';

/** Hostile files in a task: symlinked logs, logs/ and prompts, and names that only look like an agent's. */

const pool = sandboxPool();
const fresh = () => pool.fresh();
const sweep = (sb: Sandbox) => runJson(sb, ['sweep']);

after(() => pool.cleanupAll());

describe('hostile files', () => {
  it('a symlinked log is refused and reported; its target is neither read into the archive nor moved', async () => {
    const sb = fresh();
    const outside = path.join(sb.dir, 'outside.txt');
    fs.writeFileSync(outside, 'not the agent’s\n');
    const outsideHash = sha256File(outside);
    const task = makeTask(sb.workspace, [{ id: 'sym-1', status: 'completed', tmux_session: null }]);
    const link = path.join(task.logs, 'sym-1_stream.jsonl');
    fs.symlinkSync(outside, link);
    const real = task.log('sym-1.stderr.log', 'real log\n');
    const realHash = sha256File(real);

    const r = await sweep(sb);

    assert.equal(r.exitCode, 1);
    assert.ok(
      r.report.errors.some((e) => e.path === link && /symlink; refused/.test(e.message)),
      JSON.stringify(r.report.errors),
    );
    const byTarget = Object.fromEntries(r.report.actions.filter((a) => a.kind === 'archive-file').map((a) => [a.target, a.outcome]));
    assert.deepEqual(byTarget, { 'logs/sym-1.stderr.log': 'done', 'logs/sym-1_stream.jsonl': 'skipped' });
    assert.equal(sha256File(outside), outsideHash);
    assert.equal(fs.readlinkSync(link), outside, 'the symlink stays where it was');
    assert.deepEqual(listFiles(task.logs), ['sym-1_stream.jsonl']);
    assert.equal(sha256File(path.join(task.archive, 'sym-1.stderr.log')), realHash);
    assert.ok(!listFiles(task.archive).some((f) => f.startsWith('sym-1_stream')));
    assert.doesNotMatch(fs.readFileSync(path.join(task.archive, 'MANIFEST.jsonl'), 'utf8'), /sym-1_stream/);
  });

  it('a symlinked logs/ is refused and reported; the folder it points to is untouched', async () => {
    const sb = fresh();
    const target = path.join(sb.dir, 'outside-logs');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'lsym-1_stream.jsonl'), 'elsewhere\n');
    fs.writeFileSync(path.join(target, 'lsym-1.log'), 'elsewhere too\n');
    const task = makeTask(sb.workspace, [{ id: 'lsym-1', status: 'completed', tmux_session: null }]);
    fs.rmdirSync(task.logs);
    fs.symlinkSync(target, task.logs);
    const before = tree(sb.dir);

    const r = await sweep(sb);

    assert.equal(r.exitCode, 1);
    assert.ok(
      r.report.errors.some((e) => e.path === task.logs && /logs\/ is a symlink; refused/.test(e.message)),
      JSON.stringify(r.report.errors),
    );
    assert.deepEqual(
      r.report.actions.filter((a) => a.kind === 'archive-file'),
      [],
    );
    assert.deepEqual(tree(sb.dir), before);
  });

  it('a symlinked prompt is refused and reported; its target stays', async () => {
    const sb = fresh();
    const target = path.join(sb.dir, 'prompt-target.txt');
    fs.writeFileSync(target, 'keep me\n');
    const hash = sha256File(target);
    const task = makeTask(sb.workspace, [{ id: 'psym-1', status: 'completed', tmux_session: null }]);
    const link = path.join(task.dir, 'agent_prompt_psym-1.txt');
    fs.symlinkSync(target, link);

    const r = await sweep(sb);

    assert.equal(r.exitCode, 1);
    assert.ok(
      r.report.errors.some((e) => e.path === link && /not a regular file; refused/.test(e.message)),
      JSON.stringify(r.report.errors),
    );
    assert.equal(r.report.actions.find((a) => a.kind === 'delete-prompt')?.outcome, 'skipped');
    assert.equal(sha256File(target), hash);
    assert.equal(fs.readlinkSync(link), target);
  });

  it('only files with an exact id boundary move: fixer-1 never takes fixer-10’s, fixer-1x’s or fixer-1.5’s logs', async () => {
    const sb = fresh();
    const task = makeTask(sb.workspace, [
      { id: 'fixer-1', status: 'completed', tmux_session: null },
      { id: 'fixer-10', status: 'running', tmux_session: null },
      { id: 'fixer-1.5', status: 'running', tmux_session: null },
    ]);
    const mine = ['fixer-1_stream.jsonl', 'fixer-1.log', 'fixer-1.stderr.log'];
    const others = [
      'fixer-10_stream.jsonl',
      'fixer-10.log',
      'fixer-1.5_x.log',
      'fixer-1x.log',
      'fixer-1-old.log',
      'fixer-1',
      'xfixer-1_stream.jsonl',
      'Fixer-1_stream.jsonl',
    ];
    const hashes = new Map<string, string>();
    for (const name of [...mine, ...others]) hashes.set(name, sha256File(task.log(name, `${name}\n`)));
    for (const id of ['fixer-1', 'fixer-10', 'fixer-1.5', 'fixer-1x']) task.prompt(id);
    const before = tree(sb.dir);

    const r = await sweep(sb);

    assert.equal(r.exitCode, 0, JSON.stringify(r.report.errors));
    assert.deepEqual(
      r.report.actions.filter((a) => a.kind === 'archive-file').map((a) => `${a.agentId} ${a.target} ${a.outcome}`),
      mine.sort().map((name) => `fixer-1 logs/${name} done`),
    );
    assert.deepEqual(listFiles(task.logs), [...others].sort());
    for (const name of mine)
      assert.equal(sha256File(path.join(task.archive, name)), hashes.get(name), `archive/${name}: exact name, same bytes`);
    // Apart from fixer-1's logs, its prompt, the new archive/ and the task's intent journal, nothing changed.
    const after = tree(sb.dir);
    const ours = (p: string) =>
      p.includes('/archive') ||
      p.endsWith('/.agent-janitor-intents.jsonl') ||
      p.endsWith('agent_prompt_fixer-1.txt') ||
      mine.some((m) => p.endsWith(`/logs/${m}`));
    const unchanged = (t: Record<string, string>) => Object.fromEntries(Object.entries(t).filter(([p]) => !ours(p)));
    assert.deepEqual(unchanged(after), unchanged(before));
    assert.deepEqual(
      listFiles(task.dir).filter((f) => f.startsWith('agent_prompt_')),
      ['agent_prompt_fixer-1.5.txt', 'agent_prompt_fixer-10.txt', 'agent_prompt_fixer-1x.txt'],
    );
  });
});
