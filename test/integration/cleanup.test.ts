import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { runCleanup } from '../../src/core/index.js';
import { gunzipHash } from '../helpers/tree.js';
import { listFiles, makeTask } from '../helpers/fixture.js';
import { Sandbox, deadPid, sha256File } from '../helpers/sandbox.js';

describe('cleaning a finished agent', () => {
  let sb: Sandbox;
  before(() => {
    sb = Sandbox.create();
  });
  after(async () => {
    await sb.cleanup();
  });

  it('kills only its session, archives its logs intact, deletes its prompt, and leaves a prefix twin alone', async () => {
    const task = makeTask(sb.workspace, [
      { id: 'fixer-1', status: 'completed', tmux_session: 'agent_fixer-1', extra_field: { kept: true } },
      { id: 'fixer-10', status: 'running', tmux_session: 'agent_fixer-10' },
    ]);
    await sb.startSession('agent_fixer-10');
    await sb.startSession('agent_fixer-1', 'echo scrollback-marker-line; sleep 100000');
    const big = Buffer.alloc(300_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251;
    const stream = task.log('fixer-1_stream.jsonl', big);
    const dotted = task.log('fixer-1.stderr.log', 'oops\n');
    const twinLog = task.log('fixer-10_stream.jsonl', '{"twin":true}\n');
    const before = { stream: sha256File(stream), dotted: sha256File(dotted), twin: sha256File(twinLog) };
    task.prompt('fixer-1');
    const twinPrompt = task.prompt('fixer-10');

    const report = await runCleanup(sb.config(), { dryRun: false });

    assert.deepEqual(await sb.sessions(), ['agent_fixer-10']);
    assert.deepEqual(listFiles(task.logs), ['fixer-10_stream.jsonl']);
    assert.equal(sha256File(twinLog), before.twin);
    assert.ok(fs.existsSync(twinPrompt));
    assert.ok(!fs.existsSync(path.join(task.dir, 'agent_prompt_fixer-1.txt')));
    // SPEC.md: exact base names, uncompressed (compression comes later), byte for byte.
    assert.deepEqual(listFiles(task.archive), [
      'JOURNAL.jsonl',
      'MANIFEST.jsonl',
      'fixer-1.stderr.log',
      'fixer-1_scrollback.txt',
      'fixer-1_stream.jsonl',
    ]);
    assert.equal(sha256File(path.join(task.archive, 'fixer-1_stream.jsonl')), before.stream);
    assert.equal(sha256File(path.join(task.archive, 'fixer-1.stderr.log')), before.dotted);
    assert.match(fs.readFileSync(path.join(task.archive, 'fixer-1_scrollback.txt'), 'utf8'), /scrollback-marker-line/);

    const manifest = fs
      .readFileSync(path.join(task.archive, 'MANIFEST.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { source: string; sha256: string; archive: string });
    const bySource = new Map(manifest.map((m) => [m.source, m]));
    assert.equal(bySource.get('logs/fixer-1_stream.jsonl')?.sha256, before.stream);
    assert.equal(bySource.get('logs/fixer-1.stderr.log')?.archive, 'archive/fixer-1.stderr.log');
    assert.equal(manifest.length, 3);

    const kinds = report.actions.filter((a) => a.agentId === 'fixer-1').map((a) => `${a.kind}:${a.outcome}`);
    assert.deepEqual(kinds, [
      'capture-scrollback:done',
      'kill-session:done',
      'signal-processes:done',
      'archive-file:done',
      'archive-file:done',
      'delete-prompt:done',
      'record-outcome:done',
    ]);
    assert.equal(report.errors.length, 0);
    const journal = fs.readFileSync(path.join(task.archive, 'JOURNAL.jsonl'), 'utf8').trim().split('\n');
    assert.equal(journal.length, 1);
    assert.equal((JSON.parse(journal[0]!) as { agentId: string }).agentId, 'fixer-1');
  });

  it('a second sweep is a no-op', async () => {
    const report = await runCleanup(sb.config(), { dryRun: false });
    assert.equal(report.actions.length, 0);
    assert.equal(report.agents.find((a) => a.agentId === 'fixer-1')?.verdict, 'clean');
    assert.ok(report.stats.tmuxSpawns <= 1);
  });

  it('never overwrites an archive: a name collision gets a suffix, an identical file is not archived twice', async () => {
    const task = makeTask(sb.workspace, [
      { id: 'col-1', status: 'completed', tmux_session: null },
      { id: 'dup-1', status: 'completed', tmux_session: null },
    ]);
    fs.mkdirSync(task.archive);
    fs.writeFileSync(path.join(task.archive, 'col-1_stream.jsonl'), 'older content\n');
    const older = sha256File(path.join(task.archive, 'col-1_stream.jsonl'));
    const fresh = sha256File(task.log('col-1_stream.jsonl', 'newer content\n'));
    // As if a crash hit after link() but before the source was unlinked: the archive already holds the bytes.
    task.log('dup-1_stream.jsonl', 'same bytes\n');
    fs.writeFileSync(path.join(task.archive, 'dup-1_stream.jsonl'), 'same bytes\n');

    const report = await runCleanup(sb.config(), { dryRun: false });
    assert.equal(report.errors.length, 0, JSON.stringify(report.errors));
    assert.equal(sha256File(path.join(task.archive, 'col-1_stream.jsonl')), older);
    assert.equal(sha256File(path.join(task.archive, 'col-1_stream.jsonl~1')), fresh);
    assert.deepEqual(
      listFiles(task.archive).filter((f) => f.startsWith('dup-1')),
      ['dup-1_stream.jsonl'],
    );
    assert.deepEqual(listFiles(task.logs), []);
    const manifest = fs.readFileSync(path.join(task.archive, 'MANIFEST.jsonl'), 'utf8').trim().split('\n');
    assert.equal(manifest.length, 2);
  });

  it('refuses to archive without enough free space and keeps the log', async () => {
    const task = makeTask(sb.workspace, [{ id: 'space-1', status: 'completed', tmux_session: null }]);
    const log = task.log('space-1_stream.jsonl', 'keep me\n');
    const hash = sha256File(log);
    const report = await runCleanup(sb.config({ minFreeBytes: Number.MAX_SAFE_INTEGER }), { dryRun: false });
    const action = report.actions.find((a) => a.agentId === 'space-1' && a.kind === 'archive-file');
    assert.equal(action?.outcome, 'failed');
    assert.match(action?.error ?? '', /not enough free space/);
    assert.equal(sha256File(log), hash);
  });

  it('removes temp copies left by a janitor that died mid-archive, and keeps those of a live one', async () => {
    const task = makeTask(sb.workspace, [{ id: 'tmp-1', status: 'completed', tmux_session: null }]);
    task.log('tmp-1_stream.jsonl', 'x\n');
    fs.mkdirSync(task.archive);
    const stale = path.join(task.archive, `.aj-tmp-${deadPid()}-0000beef-tmp-1_stream.jsonl`);
    const alive = path.join(task.archive, `.aj-tmp-${process.ppid}-0000cafe-other.jsonl`);
    fs.writeFileSync(stale, 'partial');
    fs.writeFileSync(alive, 'in progress');
    await runCleanup(sb.config(), { dryRun: false });
    assert.ok(!fs.existsSync(stale));
    assert.ok(fs.existsSync(alive));
    fs.rmSync(alive);
  });

  it('stores uncompressed archives by hard link of the very inode (same device)', async () => {
    const task = makeTask(sb.workspace, [{ id: 'plain-1', status: 'completed', tmux_session: null }]);
    const log = task.log('plain-1_stream.jsonl', 'plain\n');
    const hash = sha256File(log);
    const ino = fs.statSync(log).ino;
    const report = await runCleanup(sb.config(), { dryRun: false });
    assert.equal(report.actions.find((a) => a.agentId === 'plain-1' && a.kind === 'archive-file')?.outcome, 'done');
    assert.equal(sha256File(path.join(task.archive, 'plain-1_stream.jsonl')), hash);
    assert.equal(fs.statSync(path.join(task.archive, 'plain-1_stream.jsonl')).ino, ino);
    assert.deepEqual(listFiles(task.logs), []);
  });

  it('compresses at archive time with compressAfterDays 0 (the former behaviour), a collision there suffixed before .gz', async () => {
    const task = makeTask(sb.workspace, [{ id: 'gz-1', status: 'completed', tmux_session: null }]);
    fs.mkdirSync(task.archive);
    fs.writeFileSync(path.join(task.archive, 'gz-1_stream.jsonl.gz'), zlib.gzipSync('older content\n'));
    const hash = sha256File(task.log('gz-1_stream.jsonl', '{"n":1}\n'.repeat(1000)));
    const dotted = sha256File(task.log('gz-1.stderr.log', 'oops\n'));
    const report = await runCleanup(sb.config({ compressAfterDays: 0 }), { dryRun: false });
    assert.equal(report.errors.length, 0, JSON.stringify(report.errors));
    assert.deepEqual(listFiles(task.archive), [
      'JOURNAL.jsonl',
      'MANIFEST.jsonl',
      'gz-1.stderr.log.gz',
      'gz-1_stream.jsonl.gz',
      'gz-1_stream.jsonl~1.gz',
    ]);
    assert.equal(gunzipHash(path.join(task.archive, 'gz-1_stream.jsonl~1.gz')), hash);
    assert.equal(gunzipHash(path.join(task.archive, 'gz-1.stderr.log.gz')), dotted);
    const manifest = fs
      .readFileSync(path.join(task.archive, 'MANIFEST.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { compression: string; archive: string });
    assert.deepEqual(manifest.map((m) => [m.archive, m.compression]).sort(), [
      ['archive/gz-1.stderr.log.gz', 'gzip'],
      ['archive/gz-1_stream.jsonl~1.gz', 'gzip'],
    ]);
    assert.deepEqual(listFiles(task.logs), []);
  });
});
