import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { SweepReport } from '../../src/shared/index.js';
import { tree } from '../helpers/tree.js';
import { runCli, runJson } from '../helpers/cli.js';
import { makeTask } from '../helpers/fixture.js';
import type { Sandbox } from '../helpers/sandbox.js';
import { sandboxPool, isRunning } from '../helpers/sandbox.js';

/** SPEC.md "CLI contract", through the built CLI (bin/agent-janitor.js). */

const pool = sandboxPool();

const fresh = () => pool.fresh();
const cli = (sb: Sandbox, args: string[], env: Record<string, string> = {}) => runCli(sb, args, { ...env });
const json = (sb: Sandbox, args: string[]) => runJson(sb, args);

const key = (a: { kind: string; task: string; agentId: string; target: string }) =>
  `${a.kind} ${a.agentId} ${a.target} @${path.basename(a.task)}`;

after(() => pool.cleanupAll());

describe('sweep --json, --dry-run and a repeated sweep', () => {
  const sb = fresh();
  let dryTree: Record<string, string>;
  let dry: SweepReport;
  const runningPanes: number[] = [];

  it('prints one JSON object with agents, actions, orphans, errors and stats', async () => {
    const a = makeTask(sb.workspace, [
      { id: 'fin-1', status: 'completed', tmux_session: 'agent_fin-1' },
      { id: 'fin-2', status: 'error', tmux_session: 'agent_fin-2' },
      { id: 'run-1', status: 'running', tmux_session: 'agent_run-1' },
      // A finished agent whose session is outside the pattern: planned but skipped, in both runs.
      { id: 'keep-1', status: 'completed', tmux_session: 'work_keep-1' },
    ]);
    const b = makeTask(sb.workspace, [
      { id: 'fin-3', status: 'terminated', tmux_session: null },
      { id: 'fin-4', status: 'killed', tmux_session: 'agent_fin-4' },
      { id: 'run-2', status: 'running', tmux_session: 'agent_run-2' },
    ]);
    for (const s of ['agent_fin-1', 'agent_fin-2', 'agent_run-1', 'work_keep-1', 'agent_fin-4', 'agent_run-2']) await sb.startSession(s);
    for (const id of ['fin-1', 'fin-2', 'run-1', 'keep-1']) {
      a.log(`${id}_stream.jsonl`, `{"agent":"${id}"}\n`);
      a.prompt(id);
    }
    a.log('fin-2.stderr.log', 'boom\n');
    for (const id of ['fin-3', 'fin-4', 'run-2']) {
      b.log(`${id}_stream.jsonl`, `{"agent":"${id}"}\n`);
      b.prompt(id);
    }
    for (const s of ['agent_run-1', 'agent_run-2']) runningPanes.push(...(await sb.panePids(s)));

    const treeBefore = tree(sb.dir);
    const sessionsBefore = await sb.sessions();
    const r = await json(sb, ['sweep', '--dry-run']);
    dry = r.report;
    dryTree = tree(sb.dir);

    assert.equal(r.exitCode, 0, r.stderr);
    assert.deepEqual(Object.keys(dry).sort(), ['actions', 'agents', 'errors', 'orphans', 'stats']);
    assert.equal(dry.stats.dryRun, true);
    for (const action of dry.actions) {
      assert.ok(['planned', 'skipped'].includes(action.outcome), JSON.stringify(action));
      assert.ok(action.kind && action.agentId && action.target && action.reason, JSON.stringify(action));
    }
    assert.deepEqual(dry.agents.map((x) => `${x.agentId}:${x.verdict}`).sort(), [
      'fin-1:finished',
      'fin-2:finished',
      'fin-3:finished',
      'fin-4:finished',
      'keep-1:finished',
      'run-1:active',
      'run-2:active',
    ]);
    assert.deepEqual(dry.errors, []);
    // --dry-run changed nothing: not a byte, not a link, not a session.
    assert.deepEqual(dryTree, treeBefore);
    assert.deepEqual(await sb.sessions(), sessionsBefore);
    const kill = dry.actions.find((x) => x.agentId === 'keep-1' && x.kind === 'kill-session');
    assert.equal(kill?.outcome, 'skipped');
  });

  it('a real sweep then does exactly what the dry run listed, in the same order', async () => {
    const r = await json(sb, ['sweep']);
    assert.equal(r.exitCode, 0, `${r.stderr}\n${JSON.stringify(r.report.errors)}`);
    assert.equal(r.report.stats.dryRun, false);
    const planned = dry.actions.filter((a) => a.outcome === 'planned').map(key);
    const done = r.report.actions.filter((a) => a.outcome === 'done').map(key);
    assert.ok(planned.length >= 20, `a meaningful plan: ${planned.length}`);
    assert.deepEqual(done, planned);
    assert.deepEqual(
      r.report.actions.filter((a) => a.outcome === 'skipped').map(key),
      dry.actions.filter((a) => a.outcome === 'skipped').map(key),
    );
    assert.equal(r.report.actions.filter((a) => a.outcome === 'failed').length, 0);
    assert.deepEqual(await sb.sessions(), ['agent_run-1', 'agent_run-2', 'work_keep-1']);
    for (const pid of runningPanes) assert.ok(isRunning(pid));
    assert.notDeepEqual(tree(sb.dir), dryTree);
  });

  it('a second sweep is a no-op and changes nothing', async () => {
    const before = tree(sb.dir);
    const r = await json(sb, ['sweep']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.report.actions.filter((a) => a.outcome === 'done').length, 0);
    assert.deepEqual(tree(sb.dir), before);
    assert.deepEqual(await sb.sessions(), ['agent_run-1', 'agent_run-2', 'work_keep-1']);
  });
});

describe('exit codes', () => {
  it('1 when a registry is half-written, and when an action failed', async () => {
    const sb = fresh();
    const bad = makeTask(sb.workspace);
    fs.writeFileSync(bad.registry, '{"agents": [{"id": "half-1", "status": "compl');
    const r1 = await json(sb, ['sweep']);
    assert.equal(r1.exitCode, 1);
    assert.ok(
      r1.report.errors.some((e) => e.path === bad.registry),
      JSON.stringify(r1.report.errors),
    );

    const sb2 = fresh();
    const task = makeTask(sb2.workspace, [{ id: 'full-1', status: 'completed', tmux_session: null }]);
    const log = task.log('full-1_stream.jsonl', 'x\n');
    const config = path.join(sb2.dir, 'tight.json');
    fs.writeFileSync(config, JSON.stringify({ minFreeBytes: Number.MAX_SAFE_INTEGER }));
    const r2 = await json(sb2, ['sweep', '--config', config]);
    assert.equal(r2.exitCode, 1);
    assert.equal(r2.report.actions.find((a) => a.kind === 'archive-file')?.outcome, 'failed');
    assert.ok(fs.existsSync(log));
  });

  it('2 for usage errors, and nothing is touched', async () => {
    const sb = fresh();
    const task = makeTask(sb.workspace, [{ id: 'use-1', status: 'completed', tmux_session: null }]);
    task.log('use-1_stream.jsonl', 'x\n');
    task.prompt('use-1');
    const before = tree(sb.dir);
    const common = ['--root', sb.root, '--tmux-socket', sb.socket];
    const cases: [string[], RegExp][] = [
      [['sweep', '--bogus', ...common], /unknown option '--bogus'/],
      [['frobnicate', ...common], /unknown command 'frobnicate'/],
      [['clean-agent', ...common], /missing required argument 'id'/],
      [['clean-agent', '../x', ...common], /invalid agent id "\.\.\/x"/],
      [['sweep', '--idle-minutes', 'abc', ...common], /--idle-minutes.*"abc"/],
      [['daemon', '--port', '8765', ...common], /--port: only with --ui/],
      [['daemon', '--ui', '--port', '70000', ...common], /--port: expected a port number/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(sb, args);
      assert.equal(r.exitCode, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    }
    assert.deepEqual(tree(sb.dir), before);
  });

  it('2 for config errors, naming the file and the field', async () => {
    const sb = fresh();
    const task = makeTask(sb.workspace, [{ id: 'cfg-1', status: 'completed', tmux_session: null }]);
    task.log('cfg-1_stream.jsonl', 'x\n');
    const file = (name: string, text: string) => {
      const p = path.join(sb.dir, name);
      fs.writeFileSync(p, text);
      return p;
    };
    const missing = path.join(sb.dir, 'missing.json');
    const cases: [string, RegExp][] = [
      [missing, /ENOENT/],
      [file('broken.json', '{"killGraceMs": 5'), /invalid JSON/],
      [file('unknown.json', '{"killGraceMS": 5}'), /killGraceMS/],
      [file('type.json', '{"timeouts": {"tmuxMs": "soon"}}'), /timeouts\.tmuxMs: .*number/],
    ];
    const before = tree(sb.dir);
    for (const [config, field] of cases) {
      const r = await cli(sb, ['sweep', '--config', config, '--root', sb.root, '--tmux-socket', sb.socket]);
      assert.equal(r.exitCode, 2, `${config}: ${r.stderr}`);
      assert.ok(r.stderr.includes(config), `stderr names ${config}: ${r.stderr}`);
      assert.match(r.stderr, field);
    }
    assert.deepEqual(tree(sb.dir), before);
  });
});

describe('help, status and doctor', () => {
  it('--help on the program and on every command exits 0 and lists the flags', async () => {
    const sb = fresh();
    const expected: [string[], string[]][] = [
      [[], ['sweep', 'clean-agent', 'daemon', 'status', 'doctor']],
      [['sweep'], ['--dry-run', '--idle-minutes', '--tmux-socket', '--root', '--json', '--config']],
      [['clean-agent'], ['<id>', '--root', '--tmux-socket', '--json']],
      [['daemon'], ['--root', '--tmux-socket', '--json', '--ui', '--port']],
      [['status'], ['--json']],
      [['doctor'], ['--root', '--tmux-socket']],
    ];
    for (const [command, flags] of expected) {
      const r = await cli(sb, [...command, '--help']);
      assert.equal(r.exitCode, 0, `${command.join(' ')} --help: ${r.stderr}`);
      // `daemon` sets its V8 flags first (bin/agent-janitor.js): a flag this Node's V8 does not know is complained of here.
      assert.equal(r.stderr, '', `${command.join(' ') || 'program'} --help wrote to stderr`);
      for (const flag of flags)
        assert.ok(r.stdout.includes(flag), `${command.join(' ') || 'program'} --help mentions ${flag}:\n${r.stdout}`);
    }
  });

  it('status says no daemon is running, as text and as JSON', async () => {
    const sb = fresh();
    const text = await cli(sb, ['status']);
    assert.equal(text.exitCode, 0);
    assert.match(text.stdout, /no daemon running/);
    const asJson = await cli(sb, ['status', '--json']);
    assert.equal(asJson.exitCode, 0);
    assert.equal((JSON.parse(asJson.stdout) as { running: boolean }).running, false);
  });

  it('doctor checks tmux, the roots and inotify; exit 1 for a missing root', async () => {
    const sb = fresh();
    await sb.startSession('agent_doc-1');
    const ok = await cli(sb, ['doctor', '--root', sb.root, '--tmux-socket', sb.socket]);
    assert.equal(ok.exitCode, 0, ok.stdout);
    assert.match(ok.stdout, /^ok\s+tmux\s+tmux \d+\.\d+/m);
    assert.match(ok.stdout, new RegExp(`^ok\\s+root ${sb.root}`, 'm'));
    assert.match(ok.stdout, /^ok\s+inotify\s+max_user_watches=\d+/m);
    const missing = path.join(sb.dir, 'no-such-root');
    const bad = await cli(sb, ['doctor', '--root', missing, '--tmux-socket', sb.socket]);
    assert.equal(bad.exitCode, 1);
    assert.match(bad.stdout, new RegExp(`^FAIL\\s+root ${missing}\\s+not readable`, 'm'));
    assert.deepEqual(await sb.sessions(), ['agent_doc-1']);
  });
});
