import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseIntents } from '../../src/core/workspace/intents.js';
import { BIN, runJson } from '../helpers/cli.js';
import { listFiles, makeTask, type TaskFixture } from '../helpers/fixture.js';
import { Sandbox, isRunning, waitFor } from '../helpers/sandbox.js';

const ITERATIONS = Number(process.env.AJ_CRASH_ITERATIONS ?? 100);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A sweep killed with SIGKILL after `delayMs` (or finished before that). */
async function crashedSweep(sb: Sandbox, delayMs: number): Promise<void> {
  const child = spawn(process.execPath, [BIN, 'sweep', '--json', '--root', sb.root, '--tmux-socket', sb.socket], {
    env: { ...process.env, ...sb.env },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
  await exited;
  clearTimeout(timer);
}

describe('crash loop: kill -9 at a random moment, then restart', () => {
  let sb: Sandbox;
  before(() => {
    sb = Sandbox.create();
  });
  after(async () => {
    // If an iteration failed, its agents' processes may still run: kill those we recorded, if still ours.
    for (const name of fs.readdirSync(sb.dir).filter((f) => f.startsWith('pids-'))) {
      for (const pid of fs.readFileSync(path.join(sb.dir, name), 'utf8').trim().split('\n').map(Number)) {
        const argv = fs.existsSync(`/proc/${pid}/cmdline`) ? fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0') : [];
        if (argv[0] === 'sh' || (argv[0] === 'sleep' && ['100011', '100012', '100013'].includes(argv[1] ?? '')))
          process.kill(pid, 'SIGKILL');
      }
    }
    await sb.cleanup();
  });

  it(`finishes every cleanup with nothing lost and nothing done twice (${ITERATIONS} iterations)`, async () => {
    const pidFiles: string[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const agents = [`crash${i}-a`, `crash${i}-b`, `crash${i}-c`, `crash${i}-d`];
      const task: TaskFixture = makeTask(
        sb.workspace,
        agents.map((id) => ({ id, status: 'running', tmux_session: `agent_${id}` })),
      );
      const logs = new Map<string, string>();
      for (const id of agents) {
        const pids = path.join(sb.dir, `pids-${id}`);
        pidFiles.push(pids);
        // A pane whose children outlive it: one ignores SIGHUP in its own session, one is double-forked away.
        const script = `echo $$ >> ${pids}; setsid sh -c 'trap "" HUP; exec sleep 100011' & echo $! >> ${pids}; sh -c 'setsid sleep 100012 & echo $! >> ${pids}' & exec sleep 100013`;
        await sb.startSession(`agent_${id}`, script);
        const body = randomBytes(randomInt(1, 40_000));
        task.log(`${id}_stream.jsonl`, body);
        logs.set(id, sha(body));
        task.prompt(id);
      }
      assert.ok(
        await waitFor(() =>
          agents.every(
            (id) =>
              fs.existsSync(path.join(sb.dir, `pids-${id}`)) &&
              fs
                .readFileSync(path.join(sb.dir, `pids-${id}`), 'utf8')
                .trim()
                .split('\n').length >= 3,
          ),
        ),
      );
      task.writeRegistry(agents.map((id) => ({ id, status: 'completed', tmux_session: `agent_${id}` })));

      await crashedSweep(sb, randomInt(0, 400));
      // The restart, as the daemon's next tick would: a lock the crash left between mkdir and its owner note is only
      // known to be orphaned a second later (and at worst once it is stale, 15 s), so the task may be skipped (never
      // failed) a few times first.
      let resumed = await runJson(sb, ['sweep']);
      for (
        let tries = 0;
        tries < 40 && resumed.report.actions.some((a) => a.outcome === 'skipped' && /another agent-janitor/.test(a.detail ?? ''));
        tries++
      ) {
        await new Promise((r) => setTimeout(r, 500));
        resumed = await runJson(sb, ['sweep']);
      }
      assert.equal(
        resumed.exitCode,
        0,
        `iteration ${i}: ${JSON.stringify(resumed.report.errors)} ${JSON.stringify(resumed.report.actions.filter((a) => a.outcome === 'failed'))}`,
      );

      // Every log byte archived exactly once.
      const lockInfo = () => {
        const lock = path.join(task.dir, '.agent-janitor.lock');
        const owner = fs.existsSync(`${lock}.owner`) ? fs.readFileSync(`${lock}.owner`, 'utf8') : 'none';
        const st = fs.statSync(lock, { throwIfNoEntry: false });
        return `lock ${st ? `age ${Date.now() - st.mtimeMs} ms` : 'absent'}, owner ${owner}`;
      };
      assert.deepEqual(
        listFiles(task.logs),
        [],
        `iteration ${i}: ${lockInfo()}; logs left; resumed: ${JSON.stringify(resumed.report.actions.map((a) => `${a.kind} ${a.outcome} ${a.detail ?? a.error ?? ''}`))} agents ${JSON.stringify(resumed.report.agents.map((a) => `${a.agentId} ${a.verdict} ${a.reason}`))}`,
      );
      const manifest = fs
        .readFileSync(path.join(task.archive, 'MANIFEST.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { source: string; archive: string; sha256: string });
      for (const id of agents) {
        const entries = manifest.filter((m) => m.source === `logs/${id}_stream.jsonl`);
        assert.equal(entries.length, 1, `iteration ${i}: ${id} archived ${entries.length} times`);
        assert.equal(entries[0]!.sha256, logs.get(id));
        assert.equal(entries[0]!.archive, `archive/${id}_stream.jsonl`, `iteration ${i}: ${id} under its exact name`);
        assert.equal(sha(fs.readFileSync(path.join(task.dir, entries[0]!.archive))), logs.get(id));
      }
      assert.deepEqual(
        listFiles(task.archive).filter((f) => f.includes('~') || f.startsWith('.aj-tmp-')),
        [],
        `iteration ${i}: duplicates or temps`,
      );
      assert.deepEqual(
        listFiles(task.dir).filter((f) => f.startsWith('agent_prompt_')),
        [],
      );
      // Nothing left running, no cleanup left open.
      assert.deepEqual(
        (await sb.sessions()).filter((s) => s.startsWith(`agent_crash${i}-`)),
        [],
        `iteration ${i}: sessions left`,
      );
      const intents = parseIntents(fs.readFileSync(path.join(task.dir, '.agent-janitor-intents.jsonl'), 'utf8'));
      assert.equal(intents.pending.size, 0, `iteration ${i}: open intents ${[...intents.pending.keys()].join()}`);
    }
    const leftovers: number[] = [];
    for (const file of pidFiles) {
      for (const pid of fs.readFileSync(file, 'utf8').trim().split('\n').map(Number)) {
        if (!(await waitFor(() => !isRunning(pid), 3000))) leftovers.push(pid);
      }
    }
    for (const pid of leftovers) process.kill(pid, 'SIGKILL');
    assert.deepEqual(leftovers, [], 'every process of every agent is dead');
  });
});
