import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { SweepReport } from '../../src/shared/index.js';
import { BIN, runJson } from '../helpers/cli.js';
import { listFiles, makeTask } from '../helpers/fixture.js';
import { DbWriter, createStateDb, dbPath, makeOrchestratorTask, pythonNow, writeFootprint } from '../helpers/orchestrator.js';
import { isRunning, sandboxPool, sha256File, waitFor, type Sandbox } from '../helpers/sandbox.js';

/**
 * SPEC.md "Agent sources": a current orchestrator keeps its agents in `<base>/registry/state.sqlite3` (WAL, written
 * by other processes while we read), an older one in each task's AGENT_REGISTRY.json; both, and a mix, under one root.
 */

const pool = sandboxPool();
after(() => pool.cleanupAll());

const TASK = 'TASK-20260115-101500-ab12cd34';
const MIXED = 'TASK-20260115-111500-ef56ab78';
const AN_HOUR_AGO = pythonNow(-3_600_000);

const verdicts = (r: SweepReport) => Object.fromEntries(r.agents.map((a) => [a.agentId, `${a.source}:${a.status}:${a.verdict}`]));
const hashes = (files: Record<string, string>) => Object.fromEntries(Object.entries(files).map(([k, f]) => [k, sha256File(f)]));
const sweep = (sb: Sandbox, extra: string[] = []) => runJson(sb, ['sweep', ...extra]);

function writeConfig(sb: Sandbox, config: Record<string, unknown>): string {
  const file = path.join(sb.dir, 'janitor.json');
  fs.writeFileSync(file, JSON.stringify(config));
  return file;
}

function assertArchived(taskDir: string, id: string, before: Record<string, string>): void {
  const archive = path.join(taskDir, 'archive');
  // Flat, under their exact names, byte for byte: where the orchestrator's own views look (ORCHESTRATOR.md).
  assert.equal(sha256File(path.join(archive, `${id}_stream.jsonl`)), before.stream, `${id}: stream log`);
  assert.equal(sha256File(path.join(archive, `deploy_${id}.json`)), before.deploy, `${id}: deploy log`);
  assert.equal(sha256File(path.join(archive, `${id}_progress.jsonl`)), before.progress, `${id}: progress`);
  assert.equal(sha256File(path.join(archive, `${id}_findings.jsonl`)), before.findings, `${id}: findings`);
  for (const rel of [
    `logs/${id}_stream.jsonl`,
    `logs/deploy_${id}.json`,
    `progress/${id}_progress.jsonl`,
    `findings/${id}_findings.jsonl`,
    `agent_prompt_${id}.txt`,
  ]) {
    assert.ok(!fs.existsSync(path.join(taskDir, rel)), `${id}: ${rel} is gone from the task`);
  }
  const manifest = fs.readFileSync(path.join(archive, 'MANIFEST.jsonl'), 'utf8');
  for (const [key, hash] of Object.entries(before))
    if (key !== 'prompt') assert.ok(manifest.includes(hash), `${id}: ${key} in the manifest`);
}

describe('a current orchestrator: agents in the state database', () => {
  it('cleans a finished agent the database names, with another process writing the database during the sweep, and leaves its prefix twin alone', async () => {
    const sb = pool.fresh();
    const base = sb.workspace;
    const task = makeOrchestratorTask(base, TASK);
    const writer = await DbWriter.open(createStateDb(base));
    try {
      await writer.upsert({ id: 'fx-1', task: TASK, status: 'completed', completedAt: AN_HOUR_AGO });
      await writer.upsert({ id: 'fx-10', task: TASK, status: 'working' });
      await sb.startSession('agent_fx-1');
      await sb.startSession('agent_fx-10');
      const done = writeFootprint(task, 'fx-1');
      const twin = writeFootprint(task, 'fx-10');
      const [before, twinBefore, panes] = [hashes(done), hashes(twin), await sb.panePids('agent_fx-1')];
      const registryBefore = listFiles(path.join(base, 'registry'));
      assert.ok(registryBefore.includes('state.sqlite3-wal'), 'the commits are in the WAL, not yet checkpointed');

      const r = await sweep(sb);
      assert.equal(r.exitCode, 0, JSON.stringify(r.report.errors));
      assert.deepEqual(verdicts(r.report), { 'fx-1': 'database:completed:finished', 'fx-10': 'database:working:active' });
      assert.deepEqual(r.report.orphans, [], 'a session the database names is no orphan');
      assert.equal(r.report.stats.databases, 1);
      assert.deepEqual(await sb.sessions(), ['agent_fx-10']);
      for (const pid of panes) assert.equal(isRunning(pid), false, `pane process ${pid} of fx-1 is dead`);
      assertArchived(task, 'fx-1', before);
      assert.deepEqual(hashes(twin), twinBefore, 'the prefix twin fx-10 keeps every file');
      assert.deepEqual(listFiles(path.join(base, 'registry')), registryBefore, 'the janitor created nothing in registry/');

      // The orchestrator's notifier marks the twin completed while the janitor is idle: a second sweep cleans it.
      await writer.setStatus('fx-10', 'completed', AN_HOUR_AGO);
      const again = await sweep(sb);
      assert.deepEqual(verdicts(again.report)['fx-10'], 'database:completed:finished');
      assert.deepEqual(await sb.sessions(), []);
      assertArchived(task, 'fx-10', twinBefore);
      const third = await sweep(sb);
      assert.deepEqual(third.report.actions, [], 'a third sweep does nothing');
    } finally {
      await writer.close();
    }
  });

  it('merges per task: the database wins where both name an agent; an older task (JSON only) in the same root is cleaned too', async () => {
    const sb = pool.fresh();
    const base = sb.workspace;
    const mixed = makeOrchestratorTask(base, MIXED);
    // The JSON registry still says mix-a is running (a cache the newer orchestrator stopped updating).
    fs.writeFileSync(
      path.join(mixed, 'AGENT_REGISTRY.json'),
      JSON.stringify({
        agents: [
          { id: 'mix-a', status: 'running', tmux_session: 'agent_mix-a' },
          { id: 'mix-b', status: 'completed', tmux_session: 'agent_mix-b', completed_at: AN_HOUR_AGO },
        ],
      }),
    );
    createStateDb(base, [
      { id: 'mix-a', task: MIXED, status: 'completed', completedAt: AN_HOUR_AGO },
      { id: 'mix-c', task: MIXED, status: 'running' },
    ]);
    const old = makeTask(base, [{ id: 'old-1', status: 'completed', tmux_session: 'agent_old-1' }]);
    old.log('old-1_stream.jsonl', 'old generation\n');
    for (const s of ['agent_mix-a', 'agent_mix-b', 'agent_mix-c', 'agent_old-1']) await sb.startSession(s);
    const files = { a: writeFootprint(mixed, 'mix-a'), b: writeFootprint(mixed, 'mix-b'), c: writeFootprint(mixed, 'mix-c') };
    const cBefore = hashes(files.c);

    const r = await sweep(sb);
    assert.equal(r.exitCode, 0, JSON.stringify(r.report.errors));
    assert.deepEqual(verdicts(r.report), {
      'mix-a': 'database:completed:finished',
      'mix-b': 'registry:completed:finished',
      'mix-c': 'database:running:active',
      'old-1': 'registry:completed:finished',
    });
    assert.deepEqual(await sb.sessions(), ['agent_mix-c']);
    assert.deepEqual(
      listFiles(path.join(old.dir, 'archive')).filter((f) => f.startsWith('old-1')),
      ['old-1_scrollback.txt', 'old-1_stream.jsonl'],
    );
    assert.deepEqual(hashes(files.c), cBefore);
  });

  it('clean-agent finds an agent only the database knows, and cleans it at once whatever its status', async () => {
    const sb = pool.fresh();
    const task = makeOrchestratorTask(sb.workspace, TASK);
    createStateDb(sb.workspace, [
      { id: 'hook-1', task: TASK, status: 'working' },
      { id: 'hook-10', task: TASK, status: 'working' },
    ]);
    await sb.startSession('agent_hook-1');
    await sb.startSession('agent_hook-10');
    const before = hashes(writeFootprint(task, 'hook-1'));
    const r = await runJson(sb, ['clean-agent', 'hook-1']);
    assert.equal(r.exitCode, 0, JSON.stringify(r.report.errors));
    assert.deepEqual(await sb.sessions(), ['agent_hook-10']);
    assertArchived(task, 'hook-1', before);
  });

  it('treats phase_completed as finished', async () => {
    const sb = pool.fresh();
    const task = makeOrchestratorTask(sb.workspace, TASK);
    createStateDb(sb.workspace, [{ id: 'ph-1', task: TASK, status: 'phase_completed', completedAt: AN_HOUR_AGO }]);
    await sb.startSession('agent_ph-1');
    const before = hashes(writeFootprint(task, 'ph-1'));
    const r = await sweep(sb);
    assert.deepEqual(verdicts(r.report), { 'ph-1': 'database:phase_completed:finished' });
    assert.deepEqual(await sb.sessions(), []);
    assertArchived(task, 'ph-1', before);
  });

  it('reads the newest commit of a half-checkpointed WAL (another reader pins an older snapshot)', async () => {
    const sb = pool.fresh();
    const task = makeOrchestratorTask(sb.workspace, TASK);
    const file = createStateDb(sb.workspace, [{ id: 'hc-1', task: TASK, status: 'working' }]);
    const writer = await DbWriter.open(file);
    const reader = await DbWriter.open(file);
    try {
      await reader.run('BEGIN');
      await reader.query('SELECT status FROM agents');
      await writer.setStatus('hc-1', 'completed', AN_HOUR_AGO);
      for (let i = 0; i < 20; i++) await writer.run('UPDATE agents SET progress = ? WHERE agent_id = ?', i, 'hc-1');
      const [checkpoint] = (await writer.query('PRAGMA wal_checkpoint(PASSIVE)')) as { busy: number; log: number; checkpointed: number }[];
      assert.ok(
        checkpoint && checkpoint.checkpointed < checkpoint.log,
        `only part of the WAL was checkpointed: ${JSON.stringify(checkpoint)}`,
      );
      await sb.startSession('agent_hc-1');
      const before = hashes(writeFootprint(task, 'hc-1'));
      const r = await sweep(sb);
      assert.deepEqual(verdicts(r.report), { 'hc-1': 'database:completed:finished' });
      assertArchived(task, 'hc-1', before);
    } finally {
      await reader.close();
      await writer.close();
    }
  });
});

describe('the completion hook (contrib/orchestrator/README.md)', () => {
  it("clean-agent started with setsid from inside the agent's own pane cleans it completely, background processes included", async () => {
    const sb = pool.fresh();
    const task = makeOrchestratorTask(sb.workspace, TASK);
    createStateDb(sb.workspace, [{ id: 'hook-2', task: TASK, status: 'completed', completedAt: pythonNow() }]);
    const before = hashes(writeFootprint(task, 'hook-2'));
    const out = path.join(sb.dir, 'hook.json');
    const bg = path.join(sb.dir, 'bg.pid');
    // As the pane's chain runs it once claude exits: a leftover background process that ignores SIGHUP (so only the
    // janitor's own signal ends it), then the notifier's hook.
    const hook = `setsid ${process.execPath} ${BIN} clean-agent hook-2 --root ${sb.workspace} --tmux-socket ${sb.socket} --json </dev/null >${out} 2>&1`;
    await sb.startSession('agent_hook-2', `sh -c '(trap "" HUP; exec sleep 100000) & echo $! > ${bg}; echo final words; ${hook} & wait'`);
    assert.ok(await waitFor(() => fs.existsSync(out) && fs.readFileSync(out, 'utf8').trim().endsWith('}'), 30_000), 'the hook finished');
    const report = JSON.parse(fs.readFileSync(out, 'utf8')) as SweepReport;
    assert.deepEqual(
      report.actions.filter((a) => a.outcome !== 'done'),
      [],
      JSON.stringify(report.actions),
    );
    assert.match(report.actions.find((a) => a.kind === 'signal-processes')?.detail ?? '', /[1-9]\d* outlived the session and got TERM/);
    assert.deepEqual(await sb.sessions(), []);
    assert.ok(await waitFor(() => !isRunning(Number(fs.readFileSync(bg, 'utf8')))), 'its background process is gone');
    assertArchived(task, 'hook-2', before);
    assert.match(fs.readFileSync(path.join(task, 'archive', 'hook-2_scrollback.txt'), 'utf8'), /final words/);
  });
});

describe('an unreadable database is reported and never acted on', () => {
  async function setUp(sb: Sandbox): Promise<{ task: string; old: ReturnType<typeof makeTask> }> {
    const task = makeOrchestratorTask(sb.workspace, TASK);
    writeFootprint(task, 'lk-1');
    const old = makeTask(sb.workspace, [{ id: 'old-2', status: 'completed', tmux_session: 'agent_old-2' }]);
    old.log('old-2_stream.jsonl', 'x\n');
    await sb.startSession('agent_lk-1');
    await sb.startSession('agent_old-2');
    return { task, old };
  }

  it('a locked database: an error naming it within the time limit, its agents left alone, the JSON agents still cleaned', async () => {
    const sb = pool.fresh();
    const { task } = await setUp(sb);
    const file = createStateDb(sb.workspace, [{ id: 'lk-1', task: TASK, status: 'completed', completedAt: AN_HOUR_AGO }]);
    const locker = await DbWriter.open(file, ['locking_mode = EXCLUSIVE']);
    try {
      await locker.run('BEGIN IMMEDIATE');
      await locker.run("UPDATE agents SET progress = 99 WHERE agent_id = 'lk-1'");
      const started = Date.now();
      const r = await sweep(sb, ['--config', writeConfig(sb, { timeouts: { databaseMs: 300 } })]);
      assert.ok(Date.now() - started < 20_000);
      assert.equal(r.exitCode, 1);
      assert.ok(
        r.report.errors.some((e) => e.path === file && /busy\/locked for longer than 300 ms/.test(e.message)),
        JSON.stringify(r.report.errors),
      );
      assert.deepEqual(await sb.sessions(), ['agent_lk-1'], 'the database agent is untouched; the JSON agent is cleaned');
      assert.ok(fs.existsSync(path.join(task, 'logs', 'lk-1_stream.jsonl')));
      const orphan = r.report.orphans.find((o) => o.kind === 'orphan-session' && o.session === 'agent_lk-1');
      assert.match(orphan?.reason ?? '', /some registries could not be read/);
    } finally {
      await locker.close();
    }
  });

  it('a file that is not SQLite: reported, nothing acted on, nothing created beside it', async () => {
    const sb = pool.fresh();
    const { task } = await setUp(sb);
    fs.mkdirSync(path.join(sb.workspace, 'registry'));
    fs.writeFileSync(dbPath(sb.workspace), 'this is not a database, but it is long enough to look like one '.repeat(100));
    const r = await sweep(sb);
    assert.equal(r.exitCode, 1);
    assert.ok(
      r.report.errors.some((e) => e.path === dbPath(sb.workspace) && /not a SQLite database/.test(e.message)),
      JSON.stringify(r.report.errors),
    );
    assert.deepEqual(listFiles(path.join(sb.workspace, 'registry')), ['state.sqlite3']);
    assert.deepEqual(await sb.sessions(), ['agent_lk-1']);
    assert.ok(fs.existsSync(path.join(task, 'agent_prompt_lk-1.txt')));
  });
});
