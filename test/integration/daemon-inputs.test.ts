import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { runJson } from '../helpers/cli.js';
import { DaemonProcess } from '../helpers/daemon-process.js';
import { listFiles, makeTask, withCompletionTimes } from '../helpers/fixture.js';
import { Sandbox, waitFor } from '../helpers/sandbox.js';

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('agent-janitor daemon inputs', () => {
  let sb: Sandbox;
  let daemon: DaemonProcess | null = null;
  beforeEach(() => {
    sb = Sandbox.create();
  });
  afterEach(async () => {
    await daemon?.stop('SIGKILL');
    daemon = null;
    await sb.cleanup();
  });

  it('a registry cut at every byte offset is never acted on; the whole one is', async () => {
    await sb.startSession('agent_c-1');
    const task = makeTask(sb.workspace, [{ id: 'c-1', status: 'running', tmux_session: 'agent_c-1' }]);
    daemon = DaemonProcess.start(sb);
    await daemon.waitFor((e) => e.event === 'ready');
    const whole = JSON.stringify({ agents: withCompletionTimes([{ id: 'c-1', status: 'completed', tmux_session: 'agent_c-1' }]) });
    for (let cut = 0; cut < whole.length; cut++) {
      const from = daemon.events.length;
      fs.writeFileSync(task.registry, whole.slice(0, cut));
      await daemon.waitFor((e) => e.event === 'sweep' && e.trigger === 'watch', 10_000, from);
    }
    assert.ok(!daemon.events.some((e) => e.event === 'action'), 'no action on any prefix');
    assert.deepEqual(await sb.sessions(), ['agent_c-1']);
    fs.writeFileSync(task.registry, whole);
    await daemon.waitFor((e) => e.event === 'action' && e.action.kind === 'kill-session' && e.action.outcome === 'done');
    assert.deepEqual(await sb.sessions(), []);
  });

  it('reports a ghost agent whose session has been gone past the grace period', async () => {
    const task = makeTask(sb.workspace, [{ id: 'g-1', status: 'running', tmux_session: 'agent_g-1' }]);
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(task.registry, old, old);
    const config = path.join(sb.dir, 'config.json');
    fs.writeFileSync(config, JSON.stringify({ ghostGraceSeconds: 5 }));
    daemon = DaemonProcess.start(sb, ['--config', config]);
    const ghost = await daemon.waitFor((e) => e.event === 'orphan' && e.orphan.kind === 'ghost-agent');
    assert.ok(ghost.event === 'orphan' && ghost.orphan.kind === 'ghost-agent' && ghost.orphan.agentId === 'g-1');
  });

  it('with a daemon and three CLI sweeps on one tree, every log is archived exactly once', async () => {
    const agents = Array.from({ length: 12 }, (_, i) => ({ id: `ov-${i}`, status: 'running', tmux_session: `agent_ov-${i}` }));
    for (const a of agents) await sb.startSession(a.tmux_session);
    const task = makeTask(sb.workspace, agents);
    const hashes = new Map<string, string>();
    for (const a of agents) {
      const body = Buffer.from(`${a.id}\n`.repeat(500));
      task.log(`${a.id}_stream.jsonl`, body);
      hashes.set(a.id, sha(body));
    }
    daemon = DaemonProcess.start(sb);
    await daemon.waitFor((e) => e.event === 'ready');
    fs.writeFileSync(task.registry, JSON.stringify({ agents: withCompletionTimes(agents.map((a) => ({ ...a, status: 'completed' }))) }));
    const sweeps = await Promise.all([0, 1, 2].map(() => runJson(sb, ['sweep'])));
    for (const s of sweeps) {
      assert.notEqual(s.exitCode, 2);
      for (const a of s.report.actions) assert.notEqual(a.outcome, 'failed', JSON.stringify(a));
    }
    assert.ok(await waitFor(() => listFiles(task.logs).length === 0, 30_000), 'logs archived');
    const manifest = fs
      .readFileSync(path.join(task.archive, 'MANIFEST.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { source: string; archive: string; sha256: string });
    const logEntries = manifest.filter((m) => m.source.startsWith('logs/'));
    assert.equal(logEntries.length, agents.length, 'one manifest entry per log');
    for (const a of agents) {
      const file = path.join(task.archive, `${a.id}_stream.jsonl`);
      assert.equal(sha(fs.readFileSync(file)), hashes.get(a.id));
    }
    assert.deepEqual(
      listFiles(task.archive).filter((f) => f.includes('~') || f.startsWith('.aj-tmp-')),
      [],
    );
    assert.deepEqual(await sb.sessions(), []);
  });
});
