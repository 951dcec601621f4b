import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runCleanup } from '../../src/core/index.js';
import { makeTask } from '../helpers/fixture.js';
import { sandboxPool } from '../helpers/sandbox.js';
import { startSwapper, stopSwapper } from '../helpers/swapper.js';

const pool = sandboxPool();
after(() => pool.cleanupAll());
const ROUNDS = 25;
const FILES = 100;

describe('folders swapped for symlinks during a sweep (issue 9 point 1)', () => {
  it(`logs/ swapped with a symlink to an outside folder, ${ROUNDS} rounds: nothing outside is deleted, changed or copied in`, async () => {
    const sb = pool.fresh();
    const outside = path.join(sb.dir, 'dot-ssh');
    fs.mkdirSync(outside);
    // What an agent id `id` would claim there: id_rsa, and a stream log of the same name as the real one.
    fs.writeFileSync(path.join(outside, 'id_rsa'), 'PRECIOUS KEY\n');
    fs.writeFileSync(path.join(outside, 'id_stream.jsonl'), 'PRECIOUS LOG\n');
    // Many same-named files on both sides: the sweep touches each, so a swap lands between its steps often.
    for (let i = 0; i < FILES; i++) fs.writeFileSync(path.join(outside, `id_part${i}.log`), `PRECIOUS ${i}\n`);
    const listing = () =>
      fs
        .readdirSync(outside)
        .sort()
        .map((f) => `${f}:${fs.readFileSync(path.join(outside, f), 'utf8')}:${fs.statSync(path.join(outside, f)).mtimeMs}`);
    const before = listing();
    for (let round = 0; round < ROUNDS; round++) {
      const task = makeTask(sb.workspace, [{ id: 'id', status: 'completed', tmux_session: null }]);
      task.log('id_stream.jsonl', `{"round":${round}}\n`);
      task.log('id_rsa', 'an agent file, not a key\n');
      for (let i = 0; i < FILES; i++) task.log(`id_part${i}.log`, `part ${i} of round ${round}\n`);
      task.prompt('id');
      const child = await startSwapper(task.logs, outside);
      try {
        await runCleanup(sb.config(), { dryRun: false });
      } finally {
        await stopSwapper(child, task.logs);
      }
      assert.deepEqual(listing(), before, `round ${round}: the outside folder is unchanged`);
      for (const name of fs.existsSync(task.archive) ? fs.readdirSync(task.archive) : []) {
        assert.doesNotMatch(
          fs.readFileSync(path.join(task.archive, name), 'utf8'),
          /PRECIOUS/,
          `round ${round}: ${name} was not copied in from outside`,
        );
      }
      // Nothing of the task is lost either: each file is in logs/ or in archive/.
      const kept = (name: string) => fs.existsSync(path.join(task.logs, name)) || fs.existsSync(path.join(task.archive, name));
      for (const name of ['id_stream.jsonl', 'id_rsa', ...Array.from({ length: FILES }, (_, i) => `id_part${i}.log`)])
        assert.ok(kept(name), `round ${round}: ${name} is kept`);
      fs.rmSync(task.dir, { recursive: true, force: true });
    }
  });
});
