import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { createJanitorService, runCleanup, type RunningJanitorService } from '../../src/core/index.js';
import { makeTask } from '../helpers/fixture.js';
import { sandboxPool, sha256File, type Sandbox } from '../helpers/sandbox.js';

/** Issue 10 point 3: pins, ghost fixes and orphan kills do what they say, on real tmux and files. */
const pool = sandboxPool();
const running: RunningJanitorService[] = [];
after(async () => {
  for (const s of running.splice(0)) await s.close();
  await pool.cleanupAll();
});

async function serve(sb: Sandbox): Promise<RunningJanitorService> {
  const configFile = path.join(sb.dir, 'config', 'agent-janitor', 'config.json');
  fs.mkdirSync(path.dirname(configFile), { recursive: true });
  fs.writeFileSync(configFile, JSON.stringify({ killGraceMs: 300, reconcileSeconds: 3600, ghostGraceSeconds: 0 }));
  const config = { ...sb.config({ ghostGraceSeconds: 0 }), reconcileSeconds: 3600 };
  const service = createJanitorService({
    config,
    settings: { file: configFile, overrides: { roots: [sb.root], tmuxSocket: sb.socket }, env: {} },
    stateDir: path.join(sb.dir, 'state', 'aj'),
    host: 'web',
  });
  await service.start();
  running.push(service);
  return service;
}

describe('actions that mean what they say (issue 10 point 3)', () => {
  it('a pin keeps a finished agent as it is, sweep after sweep; Clean now still cleans it, and so does a sweep once unpinned', async () => {
    const sb = pool.fresh();
    await sb.startSession('agent_kept-1');
    await sb.startSession('agent_pinned-2');
    const task = makeTask(sb.workspace, [
      { id: 'kept-1', status: 'completed', tmux_session: 'agent_kept-1', pinned: true },
      { id: 'pinned-2', status: 'completed', tmux_session: 'agent_pinned-2' },
    ]);
    const logs = ['kept-1', 'pinned-2'].map((id) => task.log(`${id}_stream.jsonl`, `${id}\n`.repeat(20)));
    const hashes = logs.map(sha256File);
    const prompt = task.prompt('kept-1');

    for (let i = 0; i < 2; i++) {
      const report = await runCleanup(sb.config({ pins: ['pinned-2'] }), { dryRun: false });
      assert.deepEqual(report.agents.map((a) => [a.agentId, a.verdict]).sort(), [
        ['kept-1', 'pinned'],
        ['pinned-2', 'pinned'],
      ]);
      assert.match(report.agents[0]!.reason, /pinned: kept as it is until it is unpinned or cleaned by hand/);
      assert.deepEqual(report.actions, [], 'nothing is done to a pinned agent');
    }
    assert.deepEqual(await sb.sessions(), ['agent_kept-1', 'agent_pinned-2']);
    assert.deepEqual(logs.map(sha256File), hashes);
    assert.ok(fs.existsSync(prompt));

    const byHand = await runCleanup(sb.config({ pins: ['pinned-2'] }), { dryRun: false, onlyAgent: 'kept-1' });
    assert.ok(
      byHand.actions.some((a) => a.kind === 'kill-session' && a.outcome === 'done'),
      'Clean now (clean-agent) still cleans a pinned agent',
    );
    const unpinned = await runCleanup(sb.config({ pins: [] }), { dryRun: false });
    assert.ok(
      unpinned.actions.some((a) => a.agentId === 'pinned-2' && a.kind === 'kill-session' && a.outcome === 'done'),
      'unpinned, it is cleaned',
    );
    assert.deepEqual(await sb.sessions(), []);
    for (const [i, id] of ['kept-1', 'pinned-2'].entries())
      assert.equal(sha256File(path.join(task.archive, `${id}_stream.jsonl`)), hashes[i]);
  });

  it('a ghost without any file is cleared by its fix, and does not come back', async () => {
    const sb = pool.fresh();
    await sb.startSession('keeper');
    makeTask(sb.workspace, [{ id: 'ghost-1', status: 'running', tmux_session: 'agent_ghost-1' }]);
    const service = await serve(sb);
    const alert = (await service.listAlerts({})).find((a) => a.kind === 'ghost-agent');
    assert.ok(alert, 'the ghost is alerted');
    const result = await service.fixAlert({ id: alert.id });
    assert.equal(result.ok, true, result.message);
    assert.equal((await service.listAlerts({})).filter((a) => a.kind === 'ghost-agent').length, 0, 'the alert is gone');
    const row = (await service.listAgents({})).find((r) => r.agentId === 'ghost-1');
    assert.equal(row?.verdict, 'clean', JSON.stringify(row));
  });

  it('bulk actions: one fix for a group of orphan sessions kills exactly those, and several agents are pinned in one write', async () => {
    const sb = pool.fresh();
    for (const name of ['agent_o-1', 'agent_o-2', 'agent_w-1', 'agent_w-2']) await sb.startSession(name);
    makeTask(sb.workspace, [
      { id: 'w-1', status: 'running', tmux_session: 'agent_w-1' },
      { id: 'w-2', status: 'running', tmux_session: 'agent_w-2' },
    ]);
    const service = await serve(sb);
    const orphans = (await service.listAlerts({})).filter((a) => a.kind === 'orphan-session');
    assert.equal(orphans.length, 2);
    const { results } = await service.fixAlerts({ ids: [...orphans.map((a) => a.id), 'orphan-session:$999'] });
    assert.deepEqual(
      results.map((r) => r.ok),
      [true, true, true],
      JSON.stringify(results),
    );
    assert.deepEqual(await sb.sessions(), ['agent_w-1', 'agent_w-2'], 'exactly the orphans are gone');

    const { pins } = await service.setPinnedMany({ agentIds: ['w-1', 'w-2'], pinned: true });
    assert.deepEqual(pins, ['w-1', 'w-2']);
    const rows = await service.listAgents({});
    assert.deepEqual(rows.map((r) => [r.agentId, r.pinned]).sort(), [
      ['w-1', true],
      ['w-2', true],
    ]);
  });

  it('an orphan session is not killed while a registry that could name it cannot be read: the fix says why', async () => {
    const sb = pool.fresh();
    await sb.startSession('agent_stray-1');
    const broken = makeTask(sb.workspace, []);
    fs.writeFileSync(broken.registry, '{"agents": [ {"id": "stray-1", "status": "runn');
    const service = await serve(sb);
    const alert = (await service.listAlerts({})).find((a) => a.kind === 'orphan-session');
    assert.ok(alert?.fix, JSON.stringify(await service.listAlerts({})));
    assert.match(alert.fix.blocked ?? '', /cannot be read: it may name this session/);
    const result = await service.fixAlert({ id: alert.id });
    assert.equal(result.ok, false);
    assert.deepEqual(await sb.sessions(), ['agent_stray-1'], 'the session lives');

    // Once the registry reads again (and does not name it), the kill is offered and works.
    fs.writeFileSync(broken.registry, JSON.stringify({ agents: [] }));
    const freed = (await service.listAlerts({})).find((a) => a.kind === 'orphan-session');
    assert.ok(freed?.fix && freed.fix.blocked === undefined, JSON.stringify(freed));
    assert.equal((await service.fixAlert({ id: freed.id })).ok, true);
    assert.deepEqual(await sb.sessions(), []);
  });
});
