import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { execa } from 'execa';
import { CANCELLED_BY_USER } from '../../src/shared/index.js';
import { runCleanup } from '../../src/core/index.js';
import { makeTask, type TaskFixture } from '../helpers/fixture.js';
import { Sandbox, sha256File } from '../helpers/sandbox.js';

const TASKS = 12;
const PER_TASK = 10;

/**
 * The window's Cancel during a Clean now (issue 10 point 1): it stops before the next kill batch. A batch already
 * killed is finished (archived, journaled); a cancelled one is left exactly as it was, with nothing half done that a
 * later run would take for a crash.
 */
describe('Cancel stops a clean before its next kill batch', () => {
  const sb = Sandbox.create();
  after(() => sb.cleanup());

  it('120 sessions in two batches, cancelled once the first is being killed: the second batch is untouched, and a later sweep cleans it normally', async () => {
    const tasks: { fixture: TaskFixture; ids: string[]; hashes: Map<string, string> }[] = [];
    const lines: string[] = [];
    for (let t = 0; t < TASKS; t++) {
      const ids = Array.from({ length: PER_TASK }, (_, i) => `c${t}-${i + 1}`);
      const fixture = makeTask(
        sb.workspace,
        ids.map((id) => ({ id, status: 'completed', tmux_session: `agent_${id}` })),
      );
      const hashes = new Map<string, string>();
      for (const id of ids) {
        hashes.set(id, sha256File(fixture.log(`${id}_stream.jsonl`, `{"agent":"${id}"}\n`.repeat(40))));
        fixture.prompt(id);
        lines.push(`new-session -d -s 'agent_${id}' -x 80 -y 24 'sleep 100000'`);
      }
      tasks.push({ fixture, ids, hashes });
    }
    await sb.startSession('keeper');
    const made = await execa('tmux', ['-S', sb.socket, 'source-file', '-'], { input: lines.join('\n') + '\n', reject: false, env: sb.env });
    assert.equal(made.exitCode, 0, String(made.stderr));

    const controller = new AbortController();
    const report = await runCleanup(sb.config(), {
      dryRun: false,
      signal: controller.signal,
      onStep: (step) => step === 'kill' && controller.abort(),
    });

    const cancelled = report.actions.filter((a) => a.outcome === 'skipped' && a.detail === CANCELLED_BY_USER);
    const killed = report.actions.filter((a) => a.kind === 'kill-session' && a.outcome === 'done');
    assert.ok(killed.length > 0 && cancelled.length > 0, `one batch killed (${killed.length}), the other cancelled (${cancelled.length})`);
    assert.deepEqual(
      report.actions.filter((a) => a.outcome === 'failed'),
      [],
    );
    const alive = new Set(await sb.sessions());
    for (const { fixture, ids, hashes } of tasks) {
      for (const id of ids) {
        const log = path.join(fixture.logs, `${id}_stream.jsonl`);
        if (alive.has(`agent_${id}`)) {
          // Cancelled: exactly as before the clean.
          assert.equal(sha256File(log), hashes.get(id), `${id}: its log is untouched`);
          assert.ok(fs.existsSync(path.join(fixture.dir, `agent_prompt_${id}.txt`)), `${id}: its prompt is kept`);
          assert.ok(
            cancelled.some((a) => a.agentId === id && a.kind === 'kill-session'),
            `${id}: reported as cancelled`,
          );
        } else {
          assert.equal(
            sha256File(path.join(fixture.archive, `${id}_stream.jsonl`)),
            hashes.get(id),
            `${id}: killed, so archived byte for byte`,
          );
          assert.ok(!fs.existsSync(log));
        }
      }
      const temps = fs.existsSync(fixture.archive) ? fs.readdirSync(fixture.archive).filter((n) => n.startsWith('.aj-')) : [];
      assert.deepEqual(temps, [], 'no staged copy of a cancelled batch is left behind');
    }

    // The next sweep finds nothing to resume: the cancelled agents are cleaned as ordinary finished ones.
    const rerun = await runCleanup(sb.config(), { dryRun: false });
    assert.deepEqual(
      rerun.actions.filter((a) => a.outcome === 'failed'),
      [],
    );
    assert.deepEqual(await sb.sessions(), ['keeper']);
    for (const { fixture, ids, hashes } of tasks)
      for (const id of ids) assert.equal(sha256File(path.join(fixture.archive, `${id}_stream.jsonl`)), hashes.get(id), id);
  });
});
