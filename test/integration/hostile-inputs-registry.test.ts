import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { tree } from '../helpers/tree.js';
import { runJson } from '../helpers/cli.js';
import { makeTask } from '../helpers/fixture.js';
import type { Sandbox } from '../helpers/sandbox.js';
import { sandboxPool, isRunning } from '../helpers/sandbox.js';

/** Hostile registries: ids, session names, shapes and task folder names. Each is reported; nothing outside is touched. */

const pool = sandboxPool();
const fresh = () => pool.fresh();
const sweep = (sb: Sandbox) => runJson(sb, ['sweep']);

/** Pane pids of every session, and the server: all must still run after the sweep. */
async function livePids(sb: Sandbox): Promise<number[]> {
  const pids = [(await sb.serverPid())!];
  for (const s of await sb.sessions()) pids.push(...(await sb.panePids(s)));
  return pids;
}

after(() => pool.cleanupAll());

describe('hostile registries', () => {
  it('ids with ../, /, shell metacharacters, newlines or 200 characters are reported and nothing derived from them is touched', async () => {
    const sb = fresh();
    const pwned = [1, 2, 3].map((n) => path.join(sb.dir, `pwned-${n}`));
    const hostile = [
      '../victim',
      '../../victim',
      'a/b',
      `a;touch ${pwned[0]}`,
      `$(touch ${pwned[1]})`,
      `\`touch ${pwned[2]}\``,
      'a\nb',
      'a'.repeat(200),
      'x..y',
    ];
    const task = makeTask(sb.workspace, [
      ...hostile.map((id) => ({ id, status: 'completed', tmux_session: 'agent_victim' })),
      { id: 'ok-1', status: 'running', tmux_session: 'agent_ok-1' },
    ]);
    for (const s of ['agent_victim', 'agent_ok-1', 'agent_a']) await sb.startSession(s);
    // Decoys where a naive join of logs/, the id and a suffix would land.
    fs.writeFileSync(path.join(sb.dir, 'victim.txt'), 'outside the root\n');
    fs.writeFileSync(path.join(sb.workspace, 'victim_stream.jsonl'), 'logs/../../victim_stream.jsonl\n');
    fs.writeFileSync(path.join(task.dir, 'victim_stream.jsonl'), 'logs/../victim_stream.jsonl\n');
    fs.writeFileSync(path.join(task.dir, 'victim.txt'), 'agent_prompt_../../victim.txt\n');
    fs.mkdirSync(path.join(task.dir, 'agent_prompt_..'));
    fs.writeFileSync(path.join(task.dir, 'agent_prompt_..', 'victim.txt'), 'agent_prompt_../victim.txt\n');
    fs.mkdirSync(path.join(task.logs, 'a'));
    fs.writeFileSync(path.join(task.logs, 'a', 'b_stream.jsonl'), 'logs/a/b_stream.jsonl\n');
    task.log('a\nb_stream.jsonl', 'newline id\n');
    task.log(`${'a'.repeat(200)}_s.log`, 'long id\n');
    task.log('x..y_stream.jsonl', 'dots\n');
    task.log('ok-1_stream.jsonl', 'sibling\n');
    const before = tree(sb.dir);
    const sessions = await sb.sessions();
    const pids = await livePids(sb);

    const r = await sweep(sb);

    assert.equal(r.exitCode, 1);
    hostile.forEach((id, n) => {
      assert.ok(
        r.report.errors.some((e) => e.path === task.registry && e.message.startsWith(`agents[${n}].id:`)),
        `agents[${n}].id (${JSON.stringify(id)}) reported: ${JSON.stringify(r.report.errors)}`,
      );
    });
    assert.deepEqual(
      r.report.agents.map((a) => `${a.agentId}:${a.verdict}`),
      ['ok-1:active'],
      'the valid sibling is still read',
    );
    assert.deepEqual(r.report.actions, []);
    assert.deepEqual(tree(sb.dir), before);
    for (const p of pwned) assert.ok(!fs.existsSync(p), `${p} never created`);
    assert.deepEqual(await sb.sessions(), sessions);
    for (const pid of pids) assert.ok(isRunning(pid), `pid ${pid} still runs`);
  });

  it('a session outside the pattern is never killed, and its logs stay while it lives', async () => {
    const sb = fresh();
    await sb.startSession('work_main');
    const task = makeTask(sb.workspace, [{ id: 'main-1', status: 'completed', tmux_session: 'work_main' }]);
    const log = task.log('main-1_stream.jsonl', 'still written\n');
    const pids = await livePids(sb);

    const r = await sweep(sb);

    assert.equal(r.exitCode, 0, JSON.stringify(r.report.errors));
    const kill = r.report.actions.find((a) => a.kind === 'kill-session');
    assert.equal(kill?.outcome, 'skipped');
    assert.match(kill?.detail ?? '', /work_main does not match \^agent_/);
    const archive = r.report.actions.find((a) => a.kind === 'archive-file');
    assert.equal(archive?.outcome, 'skipped');
    assert.ok(fs.existsSync(log));
    assert.ok(!fs.existsSync(path.join(task.archive, 'main-1_stream.jsonl')));
    assert.deepEqual(await sb.sessions(), ['work_main']);
    for (const pid of pids) assert.ok(isRunning(pid));
  });

  it('empty, ";"-laden or spaced session names are reported and kill nothing', async () => {
    const sb = fresh();
    await sb.startSession('agent_x');
    await sb.startSession('agent_x y');
    const names = ['', 'agent_x;kill-server', 'agent_x y'];
    const task = makeTask(
      sb.workspace,
      names.map((tmux_session, n) => ({ id: `name-${n}`, status: 'completed', tmux_session })),
    );
    const spacedLog = task.log('name-2_stream.jsonl', 'its session lives\n');
    const pids = await livePids(sb);

    const r = await sweep(sb);

    assert.equal(r.exitCode, 1);
    names.forEach((name, n) => {
      assert.ok(
        r.report.errors.some((e) => e.path === task.registry && e.message.startsWith(`agents[${n}].tmux_session:`)),
        `agents[${n}].tmux_session (${JSON.stringify(name)}) reported: ${JSON.stringify(r.report.errors)}`,
      );
    });
    assert.deepEqual(
      r.report.actions.filter((a) => a.kind === 'kill-session' && a.outcome !== 'skipped'),
      [],
    );
    const spaced = r.report.actions.find((a) => a.agentId === 'name-2' && a.kind === 'archive-file');
    assert.equal(spaced?.outcome, 'skipped');
    assert.match(spaced?.detail ?? '', /"agent_x y" is alive but its name was refused.*never killed/);
    assert.ok(fs.existsSync(spacedLog), 'the log of a live, refused session stays');
    assert.deepEqual(await sb.sessions(), ['agent_x', 'agent_x y']);
    for (const pid of pids) assert.ok(isRunning(pid));
  });

  it('empty, blank, array and wrong-shape registries are reported and never acted on', async () => {
    const sb = fresh();
    await sb.startSession('agent_shape-0');
    await sb.startSession('agent_unnamed-1');
    const bodies = ['', '  \n\t\n', '[]', '{"agents": {}}', 'null'];
    const registries = bodies.map((body, n) => {
      const task = makeTask(sb.workspace);
      fs.writeFileSync(task.registry, body);
      task.log(`shape-${n}_stream.jsonl`, `${n}\n`);
      task.prompt(`shape-${n}`);
      return task.registry;
    });
    const before = tree(sb.dir);
    const pids = await livePids(sb);

    const r = await sweep(sb);

    assert.equal(r.exitCode, 1);
    for (const registry of registries)
      assert.ok(
        r.report.errors.some((e) => e.path === registry),
        `${registry} reported: ${JSON.stringify(r.report.errors)}`,
      );
    assert.deepEqual(r.report.agents, []);
    assert.deepEqual(r.report.actions, []);
    assert.deepEqual(tree(sb.dir), before);
    assert.deepEqual(await sb.sessions(), ['agent_shape-0', 'agent_unnamed-1']);
    for (const pid of pids) assert.ok(isRunning(pid));
    const orphans = r.report.orphans.filter((o) => o.kind === 'orphan-session');
    assert.deepEqual(orphans.map((o) => (o.kind === 'orphan-session' ? o.session : '')).sort(), ['agent_shape-0', 'agent_unnamed-1']);
    for (const o of orphans) assert.match(o.reason, /some registries could not be read/);
  });

  it('a task folder with odd characters is refused and not entered', async () => {
    const sb = fresh();
    await sb.startSession('agent_odd-1');
    const pwned = path.join(sb.dir, 'pwned-task');
    const odd = ['TASK-x y', `TASK-x;touch ${path.basename(pwned)}`, 'TASK-$(id)'].map((name) => {
      const task = makeTask(sb.workspace, [{ id: 'odd-1', status: 'completed', tmux_session: 'agent_odd-1' }], name);
      task.log('odd-1_stream.jsonl', 'x\n');
      task.prompt('odd-1');
      return task.dir;
    });
    const before = tree(sb.dir);

    const r = await sweep(sb);

    assert.equal(r.exitCode, 1);
    for (const dir of odd)
      assert.ok(
        r.report.errors.some((e) => e.path === dir && /unexpected characters/.test(e.message)),
        `${dir}: ${JSON.stringify(r.report.errors)}`,
      );
    assert.equal(r.report.stats.tasks, 0);
    assert.deepEqual(r.report.actions, []);
    assert.deepEqual(tree(sb.dir), before);
    assert.ok(!fs.existsSync(pwned));
    assert.deepEqual(await sb.sessions(), ['agent_odd-1']);
  });
});
