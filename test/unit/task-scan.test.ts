import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TaskRef } from '../../src/core/workspace/discovery.js';
import { readLogEntries, scanTask } from '../../src/core/workspace/task-scan.js';

let tmp: string;
let n = 0;
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aj-unit-scan-'));
});
after(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function newTask(): TaskRef {
  n++;
  const name = `TASK-20261124-0000${n}0-abcdef0${n}`;
  const dir = path.join(tmp, '.agent-workspace', name);
  fs.mkdirSync(dir, { recursive: true });
  return { dir, name, root: tmp };
}

describe('scanTask', () => {
  it('reads the registry, logs and prompt files of a task', () => {
    const ref = newTask();
    fs.writeFileSync(path.join(ref.dir, 'AGENT_REGISTRY.json'), JSON.stringify({ agents: [{ id: 'fixer-1', status: 'completed' }] }));
    fs.mkdirSync(path.join(ref.dir, 'logs'));
    fs.writeFileSync(path.join(ref.dir, 'logs', 'fixer-1_stream.jsonl'), '{}\n');
    fs.mkdirSync(path.join(ref.dir, 'logs', 'fixer-1.d'));
    fs.symlinkSync('/etc/passwd', path.join(ref.dir, 'logs', 'fixer-1.link'));
    fs.writeFileSync(path.join(ref.dir, 'agent_prompt_fixer-1.txt'), 'p');
    fs.writeFileSync(path.join(ref.dir, 'agent_prompt_fixer-10.txt'), 'p');
    fs.writeFileSync(path.join(ref.dir, 'notes.txt'), 'x');
    const scan = scanTask(ref);
    assert.deepEqual(scan.errors, []);
    assert.equal(scan.registry?.fatal, null);
    assert.deepEqual(
      scan.registry?.agents.map((a) => a.id),
      ['fixer-1'],
    );
    assert.deepEqual(
      [...scan.files].sort((a, b) => (a.name < b.name ? -1 : 1)),
      [
        { dir: 'logs', name: 'fixer-1.d', kind: 'other' },
        { dir: 'logs', name: 'fixer-1.link', kind: 'symlink' },
        { dir: 'logs', name: 'fixer-1_stream.jsonl', kind: 'file' },
      ],
    );
    assert.deepEqual(
      new Map([...scan.prompts].sort()),
      new Map([
        ['fixer-1', { name: 'agent_prompt_fixer-1.txt', kind: 'file' }],
        ['fixer-10', { name: 'agent_prompt_fixer-10.txt', kind: 'file' }],
      ]),
    );
    assert.deepEqual(scan.refusals, new Map());
    assert.equal(scan.archiveExists, false);
  });

  it('lists progress/ and findings/ too, and leaves out files the user restored while they are the restored inode', () => {
    const ref = newTask();
    for (const d of ['logs', 'progress', 'findings']) fs.mkdirSync(path.join(ref.dir, d));
    fs.writeFileSync(path.join(ref.dir, 'logs', 'deploy_fx-1.json'), '{}');
    fs.writeFileSync(path.join(ref.dir, 'progress', 'fx-1_progress.jsonl'), '{}\n');
    fs.writeFileSync(path.join(ref.dir, 'findings', 'fx-1_findings.jsonl'), '{}\n');
    const restored = fs.statSync(path.join(ref.dir, 'progress', 'fx-1_progress.jsonl'));
    const record = (rel: string, st: fs.Stats) => JSON.stringify({ ts: 'now', path: rel, dev: st.dev, ino: st.ino });
    // A restore of findings/ whose file was since replaced by a new inode: the new file is the agent's again.
    const old = fs.statSync(path.join(ref.dir, 'findings', 'fx-1_findings.jsonl'));
    fs.writeFileSync(
      path.join(ref.dir, '.agent-janitor-restored.jsonl'),
      `${record('progress/fx-1_progress.jsonl', restored)}\n${record('findings/fx-1_findings.jsonl', { ...old, ino: old.ino + 1 } as fs.Stats)}\n{torn`,
    );
    const scan = scanTask(ref);
    assert.deepEqual(scan.errors, []);
    assert.deepEqual(scan.files.map((f) => `${f.dir}/${f.name}`).sort(), ['findings/fx-1_findings.jsonl', 'logs/deploy_fx-1.json']);
  });

  it('passes registry errors on, naming the registry file', () => {
    const ref = newTask();
    const file = path.join(ref.dir, 'AGENT_REGISTRY.json');
    fs.writeFileSync(file, '{"agents": [{"id": "ok", "status": "running"}, {"id": "../x", "status": "completed"}]');
    const scan = scanTask(ref);
    assert.notEqual(scan.registry?.fatal, null);
    assert.equal(scan.errors.length, 1);
    assert.equal(scan.errors[0]!.path, file);
  });

  it('refuses a symlinked logs/ and never lists through it', () => {
    const ref = newTask();
    const outside = path.join(tmp, 'outside-logs');
    fs.mkdirSync(outside, { recursive: true });
    fs.writeFileSync(path.join(outside, 'a_1.log'), 'x');
    fs.symlinkSync(outside, path.join(ref.dir, 'logs'));
    const scan = scanTask(ref);
    assert.deepEqual(scan.files, []);
    assert.match(scan.refusals.get('logs') ?? '', /logs\/ is a symlink/);
    assert.deepEqual(scan.errors, [{ path: path.join(ref.dir, 'logs'), message: scan.refusals.get('logs') }]);
  });

  it('refuses an archive that is a symlink or a file', () => {
    const a = newTask();
    fs.symlinkSync(tmp, path.join(a.dir, 'archive'));
    const sa = scanTask(a);
    assert.equal(sa.archiveExists, true);
    assert.match(sa.refusals.get('archive') ?? '', /archive\/ is a symlink/);
    assert.deepEqual(
      sa.errors.map((e) => e.path),
      [path.join(a.dir, 'archive')],
    );
    const b = newTask();
    fs.writeFileSync(path.join(b.dir, 'archive'), 'x');
    assert.match(scanTask(b).refusals.get('archive') ?? '', /not a folder/);
    const c = newTask();
    fs.mkdirSync(path.join(c.dir, 'archive'));
    const sc = scanTask(c);
    assert.equal(sc.archiveExists, true);
    assert.equal(sc.refusals.get('archive'), undefined);
  });

  it('treats a task deleted meanwhile as empty, without an error', () => {
    const ref = newTask();
    fs.rmSync(ref.dir, { recursive: true });
    const scan = scanTask(ref);
    assert.equal(scan.registry, null);
    assert.deepEqual(scan.errors, []);
    assert.deepEqual(scan.files, []);
  });
});

describe("readLogEntries (the window's listing of logs/)", () => {
  it('lists a real logs/ and never a symlinked one, which could point out of the workspace', () => {
    const real = newTask();
    fs.mkdirSync(path.join(real.dir, 'logs'));
    fs.writeFileSync(path.join(real.dir, 'logs', 'a-1_stream.jsonl'), 'x');
    assert.deepEqual(readLogEntries(real.dir), [{ dir: 'logs', name: 'a-1_stream.jsonl', kind: 'file' }]);

    const linked = newTask();
    const outside = fs.mkdtempSync(path.join(tmp, 'outside-'));
    fs.writeFileSync(path.join(outside, 'a-1_stream.jsonl'), 'secret');
    fs.symlinkSync(outside, path.join(linked.dir, 'logs'));
    assert.deepEqual(readLogEntries(linked.dir), []);
    assert.deepEqual(readLogEntries(newTask().dir), [], 'no logs/ at all');
  });
});
