import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { startEngine } from '../../src/electron-main/service-adapter.js';
import { makeTask } from '../helpers/fixture.js';
import { sandboxPool } from '../helpers/sandbox.js';

/**
 * Issue 10 point 1, the tray app's side: its engine adapter (plain Node, no Electron) starts paused when no config file
 * exists yet, so the first plan is shown and nothing is cleaned until Resume; with a config file it starts as usual.
 */
const pool = sandboxPool();
after(() => pool.cleanupAll());

describe('the tray app on its first run', () => {
  it('starts paused without a config file, cleans nothing, and cleans once resumed; with a config file it does not pause', async () => {
    const sb = pool.fresh();
    await sb.startSession('agent_done-1');
    const task = makeTask(sb.workspace, [{ id: 'done-1', status: 'completed', tmux_session: 'agent_done-1' }]);
    task.log('done-1_stream.jsonl', 'done\n');
    const env = { ...sb.env, AGENT_JANITOR_TMUX_SOCKET: sb.socket };
    const configFile = path.join(sb.dir, 'config', 'agent-janitor', 'config.json');
    assert.equal(fs.existsSync(configFile), false);
    // Roots come from the config; with none, the sandbox root is added through the settings the window would save.
    const first = await startEngine({ ...env, AGENT_JANITOR_CONFIG: '' }, () => undefined);
    try {
      assert.equal(first.firstRun, true);
      assert.equal((await first.getState({})).paused, true);
      const saved = await first.saveSettings({
        changes: [
          { path: 'roots', from: [], to: [sb.root] },
          { path: 'killGraceMs', from: 2000, to: 300 },
        ],
      });
      // Adding the root shows what it would clean: confirmed here as the window's dialog would.
      const consequence = saved.ok ? null : saved.consequence;
      assert.ok(consequence && consequence.clean.some((a) => a.agentId === 'done-1'), JSON.stringify(saved));
      assert.equal(
        (
          await first.saveSettings({
            changes: [
              { path: 'roots', from: [], to: [sb.root] },
              { path: 'killGraceMs', from: 2000, to: 300 },
            ],
            confirm: consequence.digest,
          })
        ).ok,
        true,
      );
      await new Promise((r) => setTimeout(r, 1000));
      assert.deepEqual(await sb.sessions(), ['agent_done-1'], 'paused: nothing is cleaned');
      await first.setPaused({ paused: false });
      const deadline = Date.now() + 15_000;
      while ((await sb.sessions()).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(await sb.sessions(), [], 'resumed: the plan is carried out');
    } finally {
      await first.close();
    }
    assert.ok(fs.existsSync(configFile), 'the save wrote the config file');
    const second = await startEngine({ ...env, AGENT_JANITOR_CONFIG: '' }, () => undefined);
    try {
      assert.equal(second.firstRun, false);
      assert.equal((await second.getState({})).paused, false);
    } finally {
      await second.close();
    }
  });
});
