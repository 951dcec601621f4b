import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { execa } from 'execa';
import lockfile from 'proper-lockfile';
import { runJson } from '../helpers/cli.js';
import { listFiles, makeTask, type TaskFixture } from '../helpers/fixture.js';
import type { Sandbox } from '../helpers/sandbox.js';
import { sandboxPool, sha256File } from '../helpers/sandbox.js';

/**
 * The bash daemon's file and subprocess defects (SPEC.md and the review beside it): unlocked moves, swallowed
 * failures, no time limits. The naive commands only ever run on sandbox files.
 */

const pool = sandboxPool();
const fresh = () => pool.fresh();
const sweep = (sb: Sandbox, args: string[] = []) => runJson(sb, ['sweep', ...args]);
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function naive(sb: Sandbox, script: string): Promise<number> {
  const r = await execa('bash', ['-c', script], { cwd: sb.dir, env: { ...sb.env }, reject: false, timeout: 10_000 });
  return r.exitCode ?? -1;
}

/** Pids whose argv is exactly `argv` (NUL-joined, as in /proc/<pid>/cmdline). */
function pidsWithArgv(argv: string[]): number[] {
  const want = argv.join('\0') + '\0';
  const found: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (fs.readFileSync(`/proc/${name}/cmdline`, 'utf8') === want) found.push(Number(name));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

interface ManifestLine {
  source: string;
  archive: string;
  sha256: string;
}

after(() => pool.cleanupAll());

describe('naive defects: files and subprocesses', () => {
  it('d. unlocked moves lose files; four concurrent sweeps archive every log exactly once', async () => {
    const sb = fresh();
    // The naive `gzip -c log > archive/log.gz && rm log`, as two unlocked runs interleave it: both saw the log,
    // the first moved it, the second truncates the archive before finding the log gone. The bytes are lost.
    const naiveDir = path.join(sb.dir, 'naive-d');
    fs.mkdirSync(path.join(naiveDir, 'logs'), { recursive: true });
    fs.mkdirSync(path.join(naiveDir, 'archive'));
    fs.writeFileSync(path.join(naiveDir, 'logs', 'a_stream.jsonl'), 'precious\n');
    const move = 'gzip -c logs/a_stream.jsonl > archive/a_stream.jsonl.gz && rm logs/a_stream.jsonl';
    const interleaved = [
      `cd '${naiveDir}'`,
      '[ -e logs/a_stream.jsonl ] && A=1', // run A sees the log
      '[ -e logs/a_stream.jsonl ] && B=1', // so does run B
      `[ "$A" ] && ${move}`,
      `[ "$B" ] && ${move}`,
    ].join('\n');
    await naive(sb, interleaved);
    assert.deepEqual(listFiles(path.join(naiveDir, 'logs')), []);
    assert.equal(fs.statSync(path.join(naiveDir, 'archive', 'a_stream.jsonl.gz')).size, 0, 'the naive archive is empty');

    const tasks: TaskFixture[] = [];
    const hashes = new Map<string, string>();
    for (let t = 0; t < 5; t++) {
      const ids = [0, 1, 2, 3].map((n) => `race${t}-${n}`);
      const task = makeTask(
        sb.workspace,
        ids.map((id) => ({ id, status: 'completed', tmux_session: null })),
      );
      for (const id of ids) {
        const content = randomBytes(20_000 + t * 1000);
        task.log(`${id}_stream.jsonl`, content);
        hashes.set(`${task.dir}/logs/${id}_stream.jsonl`, sha(content));
        task.prompt(id);
      }
      tasks.push(task);
    }

    const runs = await Promise.all([0, 1, 2, 3].map(() => sweep(sb)));

    for (const r of runs) {
      assert.notEqual(r.exitCode, 2);
      assert.equal(r.exitCode, 0, JSON.stringify(r.report.errors));
      for (const a of r.report.actions) {
        assert.notEqual(a.outcome, 'failed', JSON.stringify(a));
        if (a.outcome === 'skipped') assert.match(a.detail ?? '', /another agent-janitor|already gone|nothing was done/, JSON.stringify(a));
      }
    }
    const doneArchives = runs.flatMap((r) =>
      r.report.actions.filter((a) => a.kind === 'archive-file' && a.outcome === 'done').map((a) => `${a.task}/${a.target}`),
    );
    assert.deepEqual([...doneArchives].sort(), [...hashes.keys()].sort(), 'each log archived by exactly one run');
    for (const task of tasks) {
      assert.deepEqual(listFiles(task.logs), []);
      assert.deepEqual(
        listFiles(task.dir).filter((f) => f.startsWith('agent_prompt_')),
        [],
      );
      const files = listFiles(task.archive);
      assert.deepEqual(
        files.filter((f) => f.includes('~') || f.startsWith('.aj-tmp-')),
        [],
        'no duplicates, no temp files',
      );
      const manifest = fs
        .readFileSync(path.join(task.archive, 'MANIFEST.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as ManifestLine);
      assert.equal(manifest.length, 4);
      assert.equal(new Set(manifest.map((m) => m.source)).size, 4);
      for (const m of manifest) {
        const original = hashes.get(`${task.dir}/${m.source}`);
        assert.equal(m.sha256, original);
        assert.equal(m.archive, `archive/${path.basename(m.source)}`, 'the exact base name');
        assert.equal(sha(fs.readFileSync(path.join(task.dir, m.archive))), original, m.archive);
      }
    }
    assert.deepEqual(
      listFiles(sb.workspace).filter((f) => !f.startsWith('TASK-')),
      [],
    );
  });

  it('d. a task locked by another janitor is skipped, not failed, and left as it was', async () => {
    const sb = fresh();
    const task = makeTask(sb.workspace, [{ id: 'locked-1', status: 'completed', tmux_session: null }]);
    const log = task.log('locked-1_stream.jsonl', 'mine\n');
    const hash = sha256File(log);
    const release = await lockfile.lock(task.dir, {
      lockfilePath: path.join(task.dir, '.agent-janitor.lock'),
      realpath: false,
      stale: 15_000,
    });
    try {
      const r = await sweep(sb);
      assert.equal(r.exitCode, 0, JSON.stringify(r.report.errors));
      assert.ok(r.report.actions.length > 0);
      for (const a of r.report.actions) {
        assert.equal(a.outcome, 'skipped', JSON.stringify(a));
        assert.match(a.detail ?? '', /being cleaned by another agent-janitor/);
      }
      assert.equal(sha256File(log), hash);
      assert.ok(!fs.existsSync(task.archive));
    } finally {
      await release();
    }
  });

  it('e. a symlinked archive/ fails loudly; the naive mv writes through it', async () => {
    const sb = fresh();
    const naiveDir = path.join(sb.dir, 'naive-e');
    const naiveTarget = path.join(sb.dir, 'naive-e-target');
    fs.mkdirSync(path.join(naiveDir, 'logs'), { recursive: true });
    fs.mkdirSync(naiveTarget);
    fs.symlinkSync(naiveTarget, path.join(naiveDir, 'archive'));
    fs.writeFileSync(path.join(naiveDir, 'logs', 'e_stream.jsonl'), 'x\n');
    assert.equal(await naive(sb, `mv '${naiveDir}'/logs/* '${naiveDir}/archive/'`), 0);
    assert.deepEqual(listFiles(naiveTarget), ['e_stream.jsonl'], 'the naive move landed outside the workspace');

    const outside = path.join(sb.dir, 'elsewhere');
    fs.mkdirSync(outside);
    const task = makeTask(sb.workspace, [{ id: 'sym-1', status: 'completed', tmux_session: null }]);
    fs.symlinkSync(outside, task.archive);
    const log = task.log('sym-1_stream.jsonl', 'stay\n');
    const hash = sha256File(log);

    const r = await sweep(sb);

    assert.equal(r.exitCode, 1);
    assert.ok(
      r.report.errors.some((e) => e.path === task.archive && /symlink/.test(e.message)),
      JSON.stringify(r.report.errors),
    );
    const archive = r.report.actions.find((a) => a.kind === 'archive-file');
    assert.equal(archive?.outcome, 'skipped');
    assert.deepEqual(listFiles(task.logs), ['sym-1_stream.jsonl']);
    assert.equal(sha256File(log), hash);
    assert.deepEqual(listFiles(outside), [], 'nothing written through the symlink');
    assert.equal(fs.readlinkSync(task.archive), outside);
  });

  it('f. a hung tmux times out: the sweep ends, says so, exits 1 and acts on nothing', async () => {
    const sb = fresh();
    // `exec` makes the killed process the sleep itself; its unique argument lets us find any that outlive the test.
    const token = `${4000 + (process.pid % 1000)}.${Date.now() % 100000}`;
    const fake = path.join(sb.dir, 'fake-tmux');
    fs.writeFileSync(fake, `#!/bin/sh\nexec sleep ${token}\n`, { mode: 0o755 });
    const config = path.join(sb.dir, 'hung.json');
    fs.writeFileSync(config, JSON.stringify({ tmuxBinary: fake, timeouts: { tmuxMs: 500 } }));
    const task = makeTask(sb.workspace, [{ id: 'hang-1', status: 'completed', tmux_session: 'agent_hang-1' }]);
    const log = task.log('hang-1_stream.jsonl', 'stay\n');
    const prompt = task.prompt('hang-1');
    const hash = sha256File(log);
    try {
      // Called without a time limit, as the bash daemon did, the fake tmux does not return.
      const plain = await execa(fake, ['-S', sb.socket, 'list-sessions'], { reject: false, timeout: 1500 });
      assert.equal(plain.timedOut, true);

      const started = Date.now();
      const r = await sweep(sb, ['--config', config]);
      assert.ok(Date.now() - started < 20_000, 'the sweep is bounded');
      assert.equal(r.exitCode, 1);
      assert.ok(
        r.report.errors.some((e) => /timed out/.test(e.message)),
        JSON.stringify(r.report.errors),
      );
      assert.deepEqual(
        r.report.actions.filter((a) => a.outcome === 'done' || a.outcome === 'failed'),
        [],
      );
      assert.equal(sha256File(log), hash);
      assert.ok(fs.existsSync(prompt));
      assert.ok(!fs.existsSync(task.archive));
    } finally {
      for (const pid of pidsWithArgv(['sleep', token])) process.kill(pid, 'SIGKILL');
    }
    assert.deepEqual(pidsWithArgv(['sleep', token]), [], 'no hung tmux left behind');
  });
});
