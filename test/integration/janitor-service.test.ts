import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { createJanitorService, type RunningJanitorService } from '../../src/core/index.js';
import { uiMethods, type ConfigInput, type UiEvent } from '../../src/shared/index.js';
import { makeTask } from '../helpers/fixture.js';
import { isRunning, sandboxPool, sha256File, type Sandbox } from '../helpers/sandbox.js';

const pool = sandboxPool();
const running: RunningJanitorService[] = [];
after(async () => {
  for (const s of running.splice(0)) await s.close();
  await pool.cleanupAll();
});

/** A service over a sandbox, with its config in a file (settings are saved there) and its state dir inside. */
async function serve(
  sb: Sandbox,
  fileConfig: ConfigInput = {},
): Promise<{ service: RunningJanitorService; configFile: string; events: UiEvent[] }> {
  const configFile = path.join(sb.dir, 'config', 'agent-janitor', 'config.json');
  fs.mkdirSync(path.dirname(configFile), { recursive: true });
  fs.writeFileSync(configFile, JSON.stringify({ killGraceMs: 300, reconcileSeconds: 3600, ...fileConfig }));
  const overrides = { roots: [sb.root], tmuxSocket: sb.socket };
  const config = { ...sb.config(fileConfig as ConfigInput), reconcileSeconds: 3600 };
  const service = createJanitorService({
    config,
    settings: { file: configFile, overrides, env: {} },
    stateDir: path.join(sb.dir, 'state', 'aj'),
    host: 'web',
  });
  const events: UiEvent[] = [];
  service.subscribe((e) => events.push(e));
  await service.start();
  running.push(service);
  return { service, configFile, events };
}

async function stop(service: RunningJanitorService): Promise<void> {
  running.splice(running.indexOf(service), 1);
  await service.close();
}

describe('janitor service (the API behind the window and the web bridge)', () => {
  it('lists agents with verdicts and files, previews exactly what cleanNow then does, and archives byte-exact', async () => {
    const sb = pool.fresh();
    await sb.startSession('agent_s-1');
    const task = makeTask(sb.workspace, [{ id: 's-1', status: 'running', tmux_session: 'agent_s-1' }]);
    const log = task.log('s-1_stream.jsonl', '{"line":1}\n'.repeat(500));
    const hash = sha256File(log);
    task.prompt('s-1');
    const { service } = await serve(sb);

    const rows = uiMethods.listAgents.output.parse(await service.listAgents({}));
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.verdict, 'active');
    assert.equal(rows[0]!.sessionAlive, true);
    assert.deepEqual(rows[0]!.files.map((f) => f.path).sort(), ['agent_prompt_s-1.txt', 'logs/s-1_stream.jsonl']);
    assert.equal(rows[0]!.bytes, fs.statSync(log).size + fs.statSync(path.join(task.dir, 'agent_prompt_s-1.txt')).size);

    const target = { taskDir: task.dir, agentId: 's-1' };
    const preview = await service.previewClean(target);
    assert.ok(preview.actions.length > 0 && preview.actions.every((a) => a.outcome === 'planned' || a.outcome === 'skipped'));
    assert.deepEqual(await sb.sessions(), ['agent_s-1'], 'a preview changes nothing');
    assert.ok(fs.existsSync(log));

    const done = await service.cleanNow(target);
    assert.deepEqual(
      done.actions.map((a) => [a.kind, a.target]),
      preview.actions.map((a) => [a.kind, a.target]),
      'the preview lists exactly the actions taken',
    );
    assert.ok(
      done.actions.every((a) => a.outcome === 'done' || a.outcome === 'skipped'),
      JSON.stringify(done.actions),
    );
    assert.deepEqual(await sb.sessions(), []);
    assert.ok(!fs.existsSync(log) && !fs.existsSync(path.join(task.dir, 'agent_prompt_s-1.txt')));

    const archives = await service.listArchives({});
    const file = archives[0]!.files.find((f) => f.source === 'logs/s-1_stream.jsonl')!;
    assert.equal(file.path, 'archive/s-1_stream.jsonl', 'archived under its exact name');
    assert.equal(file.sha256, hash);
    assert.equal(archives[0]!.ratio, 1, 'not compressed at archive time');
    const tail = await service.readArchive({ taskDir: task.dir, path: file.path });
    assert.ok(tail.bytes === 5500 && tail.text.endsWith('{"line":1}\n'), 'Open reads the uncompressed archive');

    const restored = await service.restoreArchive({ taskDir: task.dir, path: file.path });
    assert.equal(restored.restored, 'logs/s-1_stream.jsonl', 'back into the folder it came from');
    assert.equal(sha256File(path.join(task.dir, restored.restored)), hash, 'restore gives back the same bytes');
    const again = await service.restoreArchive({ taskDir: task.dir, path: file.path });
    assert.equal(again.restored, 'logs/s-1_stream.jsonl~1', 'a second restore never replaces the first');

    const activity = await service.activity({ query: 's-1', limit: 50, offset: 0 });
    assert.ok(activity.entries.some((e) => e.results.some((r) => r.kind === 'kill-session' && r.outcome === 'done')));
    assert.ok(activity.entries.some((e) => e.results.some((r) => r.kind === 'restore-archive')));
    assert.equal((await service.activity({ query: 'no-such-agent-xyz', limit: 50, offset: 0 })).entries.length, 0);
    // Paging through the whole journal: pages of one entry, newest first, add up to every entry once.
    const all = await service.activity({ query: '', limit: 5000, offset: 0 });
    const paged = [];
    for (let offset = 0; offset < all.total; offset++) paged.push(...(await service.activity({ query: '', limit: 1, offset })).entries);
    assert.deepEqual(paged, all.entries);
    assert.ok(all.total >= 2);

    const deleted = await service.deleteArchive({ taskDir: task.dir, path: file.path });
    assert.equal(deleted.deleted, file.path);
    assert.ok(!fs.existsSync(path.join(task.dir, file.path)));
    await assert.rejects(service.restoreArchive({ taskDir: task.dir, path: file.path }), /not an archived file/);
    await assert.rejects(
      service.deleteArchive({ taskDir: task.dir, path: 'AGENT_REGISTRY.json' }),
      /not an archived file/,
      'only manifest-listed files can be deleted',
    );
    await assert.rejects(service.readLog({ taskDir: sb.dir, agentId: 's-1' }), /not a task folder under the configured roots/);
    assert.ok(fs.existsSync(task.registry));
    await stop(service);
  });

  it('raises alerts for an orphan session, a ghost agent and an idle agent, and each one-click fix works', async () => {
    const sb = pool.fresh();
    await sb.startSession('agent_orphan-1', 'sh -c "trap \'\' HUP; sleep 100000"');
    const [orphanPane] = await sb.panePids('agent_orphan-1');
    await sb.startSession('agent_idle-1');
    const task = makeTask(sb.workspace, [
      { id: 'ghost-1', status: 'running', tmux_session: 'agent_ghost-1' },
      { id: 'idle-1', status: 'running', tmux_session: 'agent_idle-1' },
    ]);
    task.log('ghost-1_stream.jsonl', 'ghost output\n');
    task.prompt('ghost-1');
    // idleMinutes tiny and a grace of 0: the ghost is a ghost at once, and the idle agent is inside its warning window.
    const { service, configFile } = await serve(sb, { ghostGraceSeconds: 0, idleMinutes: 60, idleWarningMinutes: 60 });
    const alerts = await service.listAlerts({});
    const kinds = alerts.map((a) => a.kind).sort();
    assert.deepEqual(kinds, ['ghost-agent', 'idle-warning', 'orphan-session'], JSON.stringify(alerts, null, 1));
    for (const a of alerts) assert.ok(a.fix && a.explanation.length > 20, `${a.id} has an explanation and a fix`);

    const orphan = alerts.find((a) => a.kind === 'orphan-session')!;
    const fixed = await service.fixAlert({ id: orphan.id });
    assert.equal(fixed.ok, true, fixed.message);
    assert.ok(!(await sb.sessions()).includes('agent_orphan-1'));
    assert.equal(isRunning(orphanPane!), false, 'the HUP-ignoring process in the orphan session is dead too');

    const ghost = alerts.find((a) => a.kind === 'ghost-agent')!;
    assert.equal((await service.fixAlert({ id: ghost.id })).ok, true);
    assert.ok(!fs.existsSync(path.join(task.dir, 'agent_prompt_ghost-1.txt')));
    assert.ok(fs.readdirSync(task.archive).some((f) => f.startsWith('ghost-1_stream.jsonl')));

    const idle = alerts.find((a) => a.kind === 'idle-warning')!;
    assert.equal((await service.fixAlert({ id: idle.id })).ok, true);
    assert.deepEqual(JSON.parse(fs.readFileSync(configFile, 'utf8')).pins, ['idle-1']);
    const left = await service.listAlerts({});
    assert.deepEqual(
      left.map((a) => a.kind),
      [],
      'every fixed problem is gone',
    );
    assert.deepEqual(await sb.sessions(), ['agent_idle-1'], 'the pinned agent keeps its session');
    assert.equal((await service.fixAlert({ id: orphan.id })).message, 'this problem is already gone');
    await stop(service);
  });

  it('saves settings through the shared schema: bad values come back as field issues, good ones reach the file and the daemon', async () => {
    const sb = pool.fresh();
    const { service, configFile } = await serve(sb);
    const settings = await service.getSettings({});
    assert.equal(settings.path, configFile);
    assert.deepEqual(settings.overridden, ['roots', 'tmuxSocket']);
    const c = settings.config;
    const bad = await service.saveSettings({
      changes: [
        { path: 'idleMinutes', from: c.idleMinutes, to: -5 },
        { path: 'sessionPattern', from: c.sessionPattern, to: '([' },
        { path: 'retention.maxAgeDays', from: null, to: 'x' },
      ],
    });
    assert.equal(bad.ok, false);
    const paths = bad.ok ? [] : bad.issues.map((i) => i.path).sort();
    assert.deepEqual(paths, ['idleMinutes', 'retention.maxAgeDays', 'sessionPattern']);
    const before = fs.readFileSync(configFile, 'utf8');
    assert.equal(fs.readFileSync(configFile, 'utf8'), before, 'a rejected save writes nothing');

    const good = await service.saveSettings({
      changes: [
        { path: 'idleMinutes', from: c.idleMinutes, to: 30 },
        { path: 'retention.maxAgeDays', from: null, to: 7 },
      ],
    });
    assert.equal(good.ok, true);
    const onFile = JSON.parse(fs.readFileSync(configFile, 'utf8'));
    assert.equal(onFile.idleMinutes, 30);
    assert.deepEqual(onFile.retention, { maxAgeDays: 7 }, 'only the fields changed are written, not the whole form');
    assert.equal(onFile.roots, undefined, 'a command-line root is not written into the file');
    assert.equal((await service.getSettings({})).config.idleMinutes, 30, 'the running daemon uses the new value');
    const fixed = await service.saveSettings({ changes: [{ path: 'roots', from: [sb.root], to: ['/elsewhere'] }] });
    assert.deepEqual(fixed.ok ? [] : fixed.issues.map((i) => [i.path, /command line/.test(i.message)]), [['roots', true]]);
    assert.deepEqual((await service.getSettings({})).config.roots, [sb.root]);
    await stop(service);
  });

  it('never writes over a config file it cannot parse, and counts disk usage with a root that does not exist yet', async () => {
    const sb = pool.fresh();
    const { service, configFile } = await serve(sb);
    const settings = await service.getSettings({});
    fs.writeFileSync(configFile, '{ "idleMinutes": 30, oops');
    const refused = await service.saveSettings({ changes: [{ path: 'idleMinutes', from: settings.config.idleMinutes, to: 45 }] });
    assert.equal(refused.ok, false);
    assert.match(refused.ok ? '' : refused.issues[0]!.message, /invalid JSON.*nothing was saved/);
    await assert.rejects(service.setPinned({ agentId: 'a-1', pinned: true }), /invalid JSON/);
    assert.equal(fs.readFileSync(configFile, 'utf8'), '{ "idleMinutes": 30, oops', 'the broken file is left for the user to fix');
    await stop(service);

    const missing = path.join(sb.dir, 'not-created-yet');
    const second = createJanitorService({
      config: { ...sb.config(), roots: [sb.root, missing], reconcileSeconds: 3600 },
      settings: { file: configFile, overrides: {}, env: {} },
      stateDir: path.join(sb.dir, 'state', 'aj2'),
      host: 'web',
    });
    await second.start();
    running.push(second);
    const usage = await second.diskUsage({});
    assert.deepEqual(
      usage.roots.map((r) => r.root),
      [sb.workspace, path.join(missing, '.agent-workspace')],
    );
    assert.equal(usage.roots[1]!.tasks.length, 0);
    await stop(second);
  });

  it('pauses automatic cleaning and reports disk usage per root and task', async () => {
    const sb = pool.fresh();
    const task = makeTask(sb.workspace, [{ id: 'p-1', status: 'running', tmux_session: null }]);
    task.log('p-1_stream.jsonl', 'x'.repeat(4096));
    const { service, events } = await serve(sb);
    const paused = await service.setPaused({ paused: true });
    assert.equal(paused.tray, 'paused');
    assert.ok(events.some((e) => e.event === 'state' && e.state.paused));
    task.writeRegistry([{ id: 'p-1', status: 'completed', tmux_session: null }]);
    await new Promise((r) => setTimeout(r, 600));
    assert.ok(fs.existsSync(path.join(task.logs, 'p-1_stream.jsonl')), 'paused: a finished agent is left alone');
    const before = events.length;
    await service.setPaused({ paused: false });
    // The sweep's event comes after its last step (the journal line), so the sizes below are final.
    const deadline = Date.now() + 10_000;
    while (!events.slice(before).some((e) => e.event === 'sweep' && e.trigger === 'resume') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 25));
    assert.ok(!fs.existsSync(path.join(task.logs, 'p-1_stream.jsonl')), 'resumed: the change made while paused is acted on');

    const usage = await service.diskUsage({});
    const root = usage.roots[0]!;
    const t = root.tasks.find((x) => x.taskDir === task.dir)!;
    const archiveBytes = fs.readdirSync(task.archive).reduce((n, f) => n + fs.lstatSync(path.join(task.archive, f)).size, 0);
    assert.equal(t.archive, archiveBytes);
    assert.equal(t.logs, 0);
    assert.equal(
      t.other,
      fs.statSync(task.registry).size +
        fs
          .readdirSync(task.dir)
          .filter((f) => f.startsWith('.agent-janitor'))
          .reduce((n, f) => n + fs.lstatSync(path.join(task.dir, f)).size, 0),
    );
    assert.ok(root.freeBytes! > 0 && root.totalBytes! >= root.freeBytes!);
    assert.equal(usage.history.length, 1);
    await stop(service);
  });
});
