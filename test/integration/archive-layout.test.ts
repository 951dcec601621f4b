import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, describe, it } from 'node:test';
import { restoreArchive } from '../../src/core/service/archive-restore.js';
import { archivedFiles } from '../../src/core/archive/archive-catalog.js';
import { readLogTail } from '../../src/core/service/log-tail.js';
import { applyRetention, planRetention } from '../../src/core/sweep/retention.js';
import type { ManifestEntry } from '../../src/core/archive/manifest.js';
import { runJson } from '../helpers/cli.js';
import { listFiles, makeTask, type TaskFixture } from '../helpers/fixture.js';
import { sandboxPool, sha256File, type Sandbox } from '../helpers/sandbox.js';
import { gunzipHash, tree } from '../helpers/tree.js';

/**
 * SPEC.md "Archive and retention" against ORCHESTRATOR.md "One agent's footprint": every file of a finished agent,
 * from logs/, progress/ and findings/, lands flat at archive/<exact base name>, uncompressed, where the orchestrator's
 * own readers look; compression comes later (delaycompress), and restore puts each file back where it came from.
 */

const pool = sandboxPool();
after(() => pool.cleanupAll());
const DAY = 24 * 3600 * 1000;
const sha = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** The five files SPEC.md says an agent leaves, relative to the task folder, each with its own content. */
function footprint(id: string): Record<string, string> {
  return {
    [`logs/${id}_stream.jsonl`]: `{"type":"assistant","agent":"${id}","text":"working"}\n`.repeat(300),
    [`logs/${id}.log`]: `${id}: plain log\n`.repeat(40),
    [`logs/deploy_${id}.json`]: JSON.stringify({ agent: id, deployed: true }) + '\n',
    [`progress/${id}_progress.jsonl`]: `{"agent":"${id}","status":"working","pct":50}\n`.repeat(20),
    [`findings/${id}_findings.jsonl`]: `{"agent":"${id}","finding":"found it"}\n`.repeat(10),
  };
}

function write(task: TaskFixture, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.join(task.dir, path.dirname(rel)), { recursive: true });
    fs.writeFileSync(path.join(task.dir, rel), content);
  }
}

function manifest(task: TaskFixture): ManifestEntry[] {
  return fs
    .readFileSync(path.join(task.archive, 'MANIFEST.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as ManifestEntry);
}

/** Makes archived files old, as a test may: their manifest entries' ts moved back. */
function age(task: TaskFixture, days: number, which: (e: ManifestEntry) => boolean): string {
  const ts = new Date(Date.now() - days * DAY).toISOString();
  const lines = manifest(task).map((e) => JSON.stringify(which(e) ? { ...e, ts } : e));
  fs.writeFileSync(path.join(task.archive, 'MANIFEST.jsonl'), lines.join('\n') + '\n');
  return ts;
}

async function sweep(sb: Sandbox): Promise<Awaited<ReturnType<typeof runJson>>> {
  const r = await runJson(sb, ['sweep']);
  assert.equal(r.exitCode, 0, `${r.stderr}\n${JSON.stringify(r.report.errors)}`);
  return r;
}

/** A finished agent with its whole footprint and a prompt, beside a running prefix twin `<id>0` with its own. */
function finishedWithTwin(sb: Sandbox, id: string): { task: TaskFixture; mine: Record<string, string>; twin: Record<string, string> } {
  const task = makeTask(sb.workspace, [
    { id, status: 'completed' },
    { id: `${id}0`, status: 'running' },
  ]);
  const mine = footprint(id);
  const twin = footprint(`${id}0`);
  write(task, { ...mine, ...twin });
  task.prompt(id);
  return { task, mine, twin };
}

describe('archive layout: exact names, flat, where the orchestrator reads them', () => {
  it('archives all five files under their exact base names, byte for byte, recorded; the twin is untouched; a second sweep does nothing', async () => {
    const sb = pool.fresh();
    const id = 'builder-232300-9040a9';
    const { task, mine, twin } = finishedWithTwin(sb, id);
    const twinBefore = Object.fromEntries(Object.keys(twin).map((rel) => [rel, sha256File(path.join(task.dir, rel))]));

    const r = await sweep(sb);
    const archived = r.report.actions.filter((a) => a.kind === 'archive-file');
    assert.deepEqual(
      archived.map((a) => `${a.target} ${a.outcome}`).sort(),
      Object.keys(mine)
        .map((rel) => `${rel} done`)
        .sort(),
    );

    const names = Object.keys(mine).map((rel) => path.basename(rel));
    assert.deepEqual(listFiles(task.archive), ['JOURNAL.jsonl', 'MANIFEST.jsonl', ...names].sort());
    const entries = manifest(task);
    assert.equal(entries.length, 5);
    for (const [rel, content] of Object.entries(mine)) {
      const name = path.basename(rel);
      assert.equal(sha256File(path.join(task.archive, name)), sha(content), `archive/${name} is byte-identical`);
      assert.ok(!fs.existsSync(path.join(task.dir, rel)), `${rel} moved`);
      const entry = entries.find((e) => e.source === rel);
      assert.deepEqual(entry && [entry.archive, entry.sha256, entry.compression, entry.bytes], [
        `archive/${name}`,
        sha(content),
        'none',
        Buffer.byteLength(content),
      ]);
    }
    // The orchestrator's readers: the dashboard's `archive/<same name>` lookups and the findings glob.
    assert.ok(fs.existsSync(path.join(task.archive, `${id}_stream.jsonl`)));
    assert.ok(fs.existsSync(path.join(task.archive, `${id}_progress.jsonl`)));
    const globbed = listFiles(task.archive).filter((f) => f.endsWith('_findings.jsonl'));
    assert.deepEqual(globbed, [`${id}_findings.jsonl`]);
    assert.equal(fs.readFileSync(path.join(task.archive, globbed[0]!), 'utf8'), mine[`findings/${id}_findings.jsonl`]);

    for (const [rel, hash] of Object.entries(twinBefore)) assert.equal(sha256File(path.join(task.dir, rel)), hash, `${rel} untouched`);
    assert.ok(fs.existsSync(path.join(task.dir, `agent_prompt_${id}.txt`)) === false);

    const before = tree(task.dir);
    const again = await sweep(sb);
    assert.deepEqual(again.report.actions, [], 'a second sweep does nothing');
    assert.deepEqual(tree(task.dir), before);
  });

  it('never replaces a different file already at archive/<name>: the newcomer gets a suffix', async () => {
    const sb = pool.fresh();
    const id = 'fixer-101010-abcdef';
    const task = makeTask(sb.workspace, [{ id, status: 'completed' }]);
    write(task, { [`logs/${id}_stream.jsonl`]: 'the janitor archives this\n', [`progress/${id}_progress.jsonl`]: 'same as below\n' });
    // What the orchestrator's own cleanup may have moved there first: other bytes under the same name, and equal ones.
    write(task, { [`archive/${id}_stream.jsonl`]: 'the orchestrator moved this\n', [`archive/${id}_progress.jsonl`]: 'same as below\n' });
    await sweep(sb);
    assert.equal(fs.readFileSync(path.join(task.archive, `${id}_stream.jsonl`), 'utf8'), 'the orchestrator moved this\n');
    assert.equal(fs.readFileSync(path.join(task.archive, `${id}_stream.jsonl~1`), 'utf8'), 'the janitor archives this\n');
    assert.deepEqual(
      listFiles(task.archive).filter((f) => f.includes('progress')),
      [`${id}_progress.jsonl`],
      'equal bytes are already archived',
    );
    assert.deepEqual(listFiles(task.logs), []);
  });
});

describe('delayed compression (retention pass)', () => {
  it('gzips files past compressAfterDays in place, records both steps, leaves young and mismatching files alone, and a rerun changes nothing', async () => {
    const sb = pool.fresh();
    const oldId = 'old-120000-aaaaaa';
    const youngId = 'young-120000-bbbbbb';
    const task = makeTask(sb.workspace, [
      { id: oldId, status: 'completed' },
      { id: youngId, status: 'completed' },
    ]);
    const old = footprint(oldId);
    const young = footprint(youngId);
    write(task, { ...old, ...young });
    await sweep(sb);
    const archivedAt = age(task, 8, (e) => e.agentId === oldId);
    // After archiving, two of the old files are no longer what the manifest recorded: same size, other bytes
    // (sha256 check), and a longer file (size check), as when the orchestrator moves its own copy over ours.
    const progress = path.join(task.archive, `${oldId}_progress.jsonl`);
    fs.writeFileSync(progress, Buffer.from(old[`progress/${oldId}_progress.jsonl`]!.replace('working', 'WORKING')));
    const findings = path.join(task.archive, `${oldId}_findings.jsonl`);
    fs.appendFileSync(findings, 'tee is still writing\n');
    const tampered = { progress: sha256File(progress), findings: sha256File(findings) };
    const youngTree = Object.keys(young).map((rel) => sha256File(path.join(task.archive, path.basename(rel))));

    const config = sb.config();
    const preview = await planRetention(config);
    const due = [`${oldId}_stream.jsonl`, `${oldId}.log`, `deploy_${oldId}.json`, `${oldId}_progress.jsonl`];
    assert.deepEqual(preview.compress.map((c) => path.basename(c.path)).sort(), [...due].sort());
    assert.deepEqual(preview.remove, []);
    assert.deepEqual(
      preview.skipped.map((s) => path.basename(s.path)),
      [`${oldId}_findings.jsonl`],
    );

    const done = await applyRetention(config);
    const compressed = due.filter((n) => !n.includes('progress'));
    assert.deepEqual(done.compress.map((c) => path.basename(c.path)).sort(), [...compressed].sort());
    assert.deepEqual(done.skipped.map((s) => path.basename(s.path)).sort(), [`${oldId}_findings.jsonl`, `${oldId}_progress.jsonl`]);
    assert.match(done.skipped.find((s) => s.path.includes('progress'))!.reason, /sha256 .* manifest recorded; left alone/);

    const entries = manifest(task);
    for (const name of compressed) {
      const rel = Object.keys(old).find((r) => path.basename(r) === name)!;
      assert.ok(!fs.existsSync(path.join(task.archive, name)), `${name} replaced by its .gz`);
      assert.equal(gunzipHash(path.join(task.archive, `${name}.gz`)), sha(old[rel]!), `${name}.gz decompresses to the original`);
      const steps = entries.filter((e) => e.source === rel);
      assert.deepEqual(
        steps.map((e) => [e.archive, e.compression]),
        [
          [`archive/${name}`, 'none'],
          [`archive/${name}.gz`, 'gzip'],
        ],
      );
      assert.equal(steps[1]!.compressedFrom, `archive/${name}`);
      assert.equal(steps[1]!.archivedAt, archivedAt, 'the original archive time is kept');
      assert.equal(steps[1]!.sha256, steps[0]!.sha256);
      assert.equal(steps[1]!.storedBytes, fs.statSync(path.join(task.archive, `${name}.gz`)).size);
    }
    assert.equal(sha256File(progress), tampered.progress, 'a mismatching file is left as it is');
    assert.equal(sha256File(findings), tampered.findings);
    assert.deepEqual(
      Object.keys(young).map((rel) => sha256File(path.join(task.archive, path.basename(rel)))),
      youngTree,
      'young files untouched',
    );
    assert.ok(!listFiles(task.archive).some((f) => f.startsWith('.aj-tmp-')));

    // The listing: one row per file, in the form that exists, aged by its original archive time.
    const rows = await archivedFiles(task.dir);
    assert.equal(rows.length, 10);
    const stream = rows.find((f) => f.source === `logs/${oldId}_stream.jsonl`)!;
    assert.deepEqual([stream.path, stream.archivedAt], [`archive/${oldId}_stream.jsonl.gz`, archivedAt]);
    assert.match((await readLogTail(task.dir, oldId)).text, /"text":"working"/, 'Open reads the compressed form');

    const before = tree(task.dir);
    const rerun = await applyRetention(config);
    assert.deepEqual(rerun.compress, []);
    assert.deepEqual(tree(task.dir), before, 'a rerun changes nothing');
    assert.deepEqual((await sweep(sb)).report.actions, [], 'nor does a sweep');

    // Deletion works on both forms: everything of the old agent, compressed or not, is past 5 days.
    const removed = await applyRetention(sb.config({ retention: { maxAgeDays: 5 } }));
    assert.equal(removed.remove.length, 5);
    assert.deepEqual(
      listFiles(task.archive).filter((f) => f.includes(oldId)),
      [],
    );
    assert.equal(listFiles(task.archive).filter((f) => f.includes(youngId)).length, 5);
  });

  it('finishes a compression a crash interrupted, without a second copy or manifest line', async () => {
    const sb = pool.fresh();
    const id = 'crash-120000-cccccc';
    const task = makeTask(sb.workspace, [{ id, status: 'completed' }]);
    const files = { [`logs/${id}_stream.jsonl`]: 'stream bytes\n'.repeat(100), [`logs/${id}.log`]: 'log bytes\n'.repeat(100) };
    write(task, files);
    await sweep(sb);
    const archivedAt = age(task, 30, () => true);
    // Crash after link(): both forms exist. For the .log the manifest line was written too, before the unlink.
    for (const [rel, content] of Object.entries(files))
      fs.writeFileSync(path.join(task.archive, `${path.basename(rel)}.gz`), zlib.gzipSync(content));
    const log = manifest(task).find((e) => e.source === `logs/${id}.log`)!;
    const line = {
      ...log,
      ts: new Date().toISOString(),
      archive: `${log.archive}.gz`,
      compression: 'gzip',
      storedBytes: 1,
      compressedFrom: log.archive,
      archivedAt,
    };
    fs.appendFileSync(path.join(task.archive, 'MANIFEST.jsonl'), JSON.stringify(line) + '\n');
    assert.equal((await archivedFiles(task.dir)).length, 2, 'meanwhile listed once each');

    const done = await applyRetention(sb.config());
    assert.equal(done.compress.length, 2);
    assert.deepEqual(listFiles(task.archive), ['JOURNAL.jsonl', 'MANIFEST.jsonl', `${id}.log.gz`, `${id}_stream.jsonl.gz`]);
    const gz = manifest(task).filter((e) => e.compression === 'gzip');
    assert.deepEqual(gz.map((e) => e.archive).sort(), [`archive/${id}.log.gz`, `archive/${id}_stream.jsonl.gz`]);
    for (const [rel, content] of Object.entries(files))
      assert.equal(gunzipHash(path.join(task.archive, `${path.basename(rel)}.gz`)), sha(content));
  });
});

describe('restore: back into the folder each file came from', () => {
  /** An archive as earlier versions wrote it: gzip at archive time, `<name>.gz`, no archivedAt. */
  function legacy(task: TaskFixture, agentId: string, source: string, name: string, content: string): void {
    fs.mkdirSync(task.archive, { recursive: true });
    const stored = zlib.gzipSync(content);
    fs.writeFileSync(path.join(task.archive, `${name}.gz`), stored);
    const entry = {
      ts: new Date(Date.now() - DAY).toISOString(),
      agentId,
      source,
      archive: `archive/${name}.gz`,
      bytes: Buffer.byteLength(content),
      sha256: sha(content),
      compression: 'gzip',
      storedBytes: stored.length,
    };
    fs.appendFileSync(path.join(task.archive, 'MANIFEST.jsonl'), JSON.stringify(entry) + '\n');
  }

  it('restores fresh and legacy .gz archives to logs/, progress/ and findings/, never replacing, and the next sweep leaves them', async () => {
    const sb = pool.fresh();
    const id = 'restore-120000-dddddd';
    const old = 'legacy-120000-eeeeee';
    const task = makeTask(sb.workspace, [
      { id, status: 'completed' },
      { id: old, status: 'completed' },
    ]);
    const mine = footprint(id);
    write(task, mine);
    await sweep(sb);
    const legacyProgress = `{"agent":"${old}"}\n`.repeat(30);
    legacy(task, old, `progress/${old}_progress.jsonl`, `${old}_progress.jsonl`, legacyProgress);
    legacy(task, old, `tmux:agent_${old}`, `${old}_scrollback.txt`, 'pane text\n');

    const roots = [sb.root];
    const restored = new Map<string, string>();
    for (const f of await archivedFiles(task.dir)) restored.set(f.source, await restoreArchive(roots, task.dir, f.path));
    for (const [rel, content] of Object.entries(mine)) {
      assert.equal(restored.get(rel), rel, `${rel} goes back to its own folder, under its own name`);
      assert.equal(sha256File(path.join(task.dir, rel)), sha(content));
    }
    // The name is taken now (by the first restore, with other bytes): a second restore never replaces it.
    fs.appendFileSync(path.join(task.logs, `${id}_stream.jsonl`), 'written since\n');
    const taken = sha256File(path.join(task.logs, `${id}_stream.jsonl`));
    assert.equal(await restoreArchive(roots, task.dir, `archive/${id}_stream.jsonl`), `logs/${id}_stream.jsonl~1`);
    assert.equal(sha256File(path.join(task.logs, `${id}_stream.jsonl`)), taken);
    assert.equal(sha256File(path.join(task.logs, `${id}_stream.jsonl~1`)), sha(mine[`logs/${id}_stream.jsonl`]!));
    assert.equal(restored.get(`progress/${old}_progress.jsonl`), `progress/${old}_progress.jsonl`);
    assert.equal(sha256File(path.join(task.dir, 'progress', `${old}_progress.jsonl`)), sha(legacyProgress), 'a legacy .gz is decompressed');
    assert.equal(restored.get(`tmux:agent_${old}`), `logs/${old}_scrollback.txt`, 'scrollback goes to logs/');
    assert.ok(!fs.existsSync(path.join(task.logs, 'restored')), 'no logs/restored/ any more');
    assert.equal((await archivedFiles(task.dir)).length, 7, 'the archives stay');

    const before = tree(task.dir);
    const r = await sweep(sb);
    assert.deepEqual(
      r.report.actions.filter((a) => a.kind === 'archive-file'),
      [],
      'restored files are not archived again',
    );
    const after = tree(task.dir);
    for (const rel of Object.keys(before).filter((k) => /^(logs|progress|findings)\//.test(k))) assert.equal(after[rel], before[rel], rel);
  });

  it('refuses a manifest source that is not <logs|progress|findings>/<name> or a scrollback', async () => {
    const sb = pool.fresh();
    const task = makeTask(sb.workspace, [{ id: 'bad-1', status: 'completed' }]);
    legacy(task, 'bad-1', '../../outside.txt', 'bad-1_a.log', 'a\n');
    legacy(task, 'bad-1', 'archive/bad-1_b.log', 'bad-1_b.log', 'b\n');
    legacy(task, 'bad-1', 'logs/sub/bad-1_c.log', 'bad-1_c.log', 'c\n');
    for (const f of await archivedFiles(task.dir)) {
      await assert.rejects(
        restoreArchive([sb.root], task.dir, f.path),
        /is not a file of logs\/, progress\/, findings\/ or a tmux scrollback; not restored/,
      );
    }
    assert.deepEqual(listFiles(task.logs), []);
    assert.ok(!fs.existsSync(path.join(sb.dir, 'outside.txt')));
  });
});
