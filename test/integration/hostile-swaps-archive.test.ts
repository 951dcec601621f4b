import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { restoreArchive } from '../../src/core/service/archive-restore.js';
import { deleteArchive, withListedFile } from '../../src/core/archive/archive-catalog.js';
import { archivedTail, readLogTail } from '../../src/core/service/log-tail.js';
import { applyRetention } from '../../src/core/sweep/retention.js';
import { runCleanup } from '../../src/core/index.js';
import { makeTask, type TaskFixture } from '../helpers/fixture.js';
import { sandboxPool, type Sandbox } from '../helpers/sandbox.js';
import { filesUnder, startSwapper, stopSwapper, treeState } from '../helpers/swapper.js';

const pool = sandboxPool();
after(() => pool.cleanupAll());
const ROUNDS = 20;
const FILES = 100;
const DAY = 24 * 3600 * 1000;
const names = Array.from({ length: FILES }, (_, i) => `id_part${i}.log`);

/** An outside folder laid out like archive/: the same file names, and a manifest listing them with their real hashes. */
function outsideArchive(sb: Sandbox): string {
  const dir = path.join(sb.dir, 'outside-archive');
  fs.mkdirSync(dir);
  for (const name of names) fs.writeFileSync(path.join(dir, name), `PRECIOUS ${name}\n`);
  fs.writeFileSync(path.join(dir, 'MANIFEST.jsonl'), names.map((n) => manifestLine(n, `PRECIOUS ${n}\n`, 400)).join(''));
  return dir;
}

function manifestLine(name: string, content: string, ageDays: number): string {
  const sha256 = createHash('sha256').update(content).digest('hex');
  const bytes = Buffer.byteLength(content);
  return (
    JSON.stringify({
      ts: new Date(Date.now() - ageDays * DAY).toISOString(),
      agentId: 'id',
      source: `logs/${name}`,
      archive: `archive/${name}`,
      bytes,
      sha256,
      compression: 'none',
      storedBytes: bytes,
    }) + '\n'
  );
}

/** A task whose archive/ holds FILES archived files of agent `id`, recorded `ageDays` ago. */
function archivedTask(sb: Sandbox, ageDays: number): TaskFixture {
  const task = makeTask(sb.workspace, [{ id: 'id', status: 'completed', tmux_session: null }]);
  fs.mkdirSync(task.archive);
  for (const name of names) fs.writeFileSync(path.join(task.archive, name), `archived ${name}\n`);
  fs.writeFileSync(path.join(task.archive, 'MANIFEST.jsonl'), names.map((n) => manifestLine(n, `archived ${n}\n`, ageDays)).join(''));
  return task;
}

/** Runs `work` while a swapper races on `folder`, then checks the outside folder is exactly as it was. */
async function racing(folder: string, outside: string, round: number, work: () => Promise<unknown>): Promise<void> {
  const before = treeState(outside);
  const child = await startSwapper(folder, outside);
  try {
    await work();
  } finally {
    await stopSwapper(child, folder);
  }
  assert.deepEqual(treeState(outside), before, `round ${round}: nothing outside was created, changed or removed`);
}

const settle = <T>(p: Promise<T>): Promise<T | Error> => p.catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));

describe('archive/ or the task folder swapped for a symlink (issue 9 point 1)', () => {
  it(`archive/ swapped while sweeping, ${ROUNDS} rounds: no manifest, journal or archive is written outside, nothing copied in`, async () => {
    const sb = pool.fresh();
    const outside = outsideArchive(sb);
    for (let round = 0; round < ROUNDS; round++) {
      const task = makeTask(sb.workspace, [{ id: 'id', status: 'completed', tmux_session: null }]);
      fs.mkdirSync(task.archive);
      for (const name of names) task.log(name, `round ${round} ${name}\n`);
      task.prompt('id');
      await racing(task.archive, outside, round, () => runCleanup(sb.config(), { dryRun: false }));
      const kept = filesUnder(task.dir);
      for (const name of names) assert.ok(kept.has(name), `round ${round}: ${name} is kept somewhere in the task`);
      for (const name of filesUnder(task.dir)) {
        for (const file of fs
          .readdirSync(task.dir, { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile() && e.name === name)) {
          assert.doesNotMatch(
            fs.readFileSync(path.join(file.parentPath, name), 'utf8'),
            /PRECIOUS/,
            `round ${round}: ${name} was not copied in`,
          );
        }
      }
      fs.rmSync(task.dir, { recursive: true, force: true });
    }
  });

  it(`the task folder itself swapped while sweeping, ${ROUNDS} rounds: the look-alike outside keeps its prompt, logs and registry`, async () => {
    const sb = pool.fresh();
    for (let round = 0; round < ROUNDS; round++) {
      const task = makeTask(sb.workspace, [{ id: 'id', status: 'completed', tmux_session: null }]);
      for (const name of names) task.log(name, `round ${round} ${name}\n`);
      task.prompt('id');
      // The same task, copied outside: a janitor that follows the swapped folder finds everything it expects there.
      const outside = path.join(sb.dir, `lookalike-${round}`);
      fs.cpSync(task.dir, outside, { recursive: true });
      await racing(task.dir, outside, round, () => runCleanup(sb.config(), { dryRun: false }));
      for (const name of names) assert.ok(filesUnder(task.dir).has(name), `round ${round}: ${name} is kept in the task`);
      fs.rmSync(task.dir, { recursive: true, force: true });
    }
  });

  it(`the window's open, restore and delete while archive/ is swapped, ${ROUNDS} rounds: never read, written or deleted outside`, async () => {
    const sb = pool.fresh();
    const outside = outsideArchive(sb);
    const roots = [sb.root];
    for (let round = 0; round < ROUNDS; round++) {
      const task = archivedTask(sb, 1);
      await racing(task.archive, outside, round, async () => {
        for (const [i, name] of names.entries()) {
          const rel = `archive/${name}`;
          const opened = await settle(
            withListedFile(roots, task.dir, rel, async ({ abs, file, compressed }) => archivedTail(abs, file, compressed)),
          );
          if (!(opened instanceof Error)) assert.doesNotMatch(opened.text, /PRECIOUS/, `round ${round}: Open showed an outside file`);
          const log = await settle(readLogTail(task.dir, 'id'));
          if (!(log instanceof Error)) assert.doesNotMatch(log.text, /PRECIOUS/, `round ${round}: Open logs showed an outside file`);
          await settle<unknown>(i % 2 === 0 ? restoreArchive(roots, task.dir, rel) : deleteArchive(roots, task.dir, rel, 'test'));
        }
      });
      for (const entry of fs.readdirSync(task.dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())) {
        assert.doesNotMatch(
          fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8'),
          /PRECIOUS/,
          `round ${round}: ${entry.name} holds outside bytes`,
        );
      }
      fs.rmSync(task.dir, { recursive: true, force: true });
    }
  });

  it(`retention (age limit, then compression) while archive/ is swapped, ${ROUNDS} rounds: nothing outside is deleted or compressed`, async () => {
    const sb = pool.fresh();
    const outside = outsideArchive(sb);
    for (let round = 0; round < ROUNDS; round++) {
      // Even rounds: past the age limit (deleted); odd rounds: past compressAfterDays only (compressed in place).
      const old = round % 2 === 0;
      const task = archivedTask(sb, old ? 30 : 3);
      const config = sb.config({ retention: { maxAgeDays: 10, maxBytesPerRoot: null }, compression: 'gzip', compressAfterDays: 1 });
      await racing(task.archive, outside, round, () => settle(applyRetention(config)));
      fs.rmSync(task.dir, { recursive: true, force: true });
    }
  });
});
