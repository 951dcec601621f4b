import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { discoverTasks, eachTask } from '../../src/core/workspace/discovery.js';

let tmp: string;
let root: string;
let outside: string;
before(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'aj-unit-discovery-')));
  root = path.join(tmp, 'project');
  outside = path.join(tmp, 'outside');
  const base = path.join(root, '.agent-workspace');
  for (let i = 0; i < 40; i++)
    fs.mkdirSync(path.join(base, `TASK-20261206-0000${String(i).padStart(2, '0')}-abcdef01`), { recursive: true });
  fs.mkdirSync(path.join(outside, 'TASK-20261206-999999-abcdef01'), { recursive: true });
  fs.symlinkSync(path.join(outside, 'TASK-20261206-999999-abcdef01'), path.join(base, 'TASK-20261206-888888-abcdef01'));
  fs.writeFileSync(path.join(base, 'TASK-20261206-777777-abcdef01'), 'a file, not a task');
  fs.mkdirSync(path.join(base, 'TASK-bad name'));
  fs.mkdirSync(path.join(base, 'registry'));
});
after(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const openDescriptors = () => fs.readdirSync('/proc/self/fd').length;

describe('eachTask', () => {
  it('yields the task folders a discovery lists, each once, also when a root is given twice', () => {
    const listed = discoverTasks([root]);
    assert.equal(listed.tasks.length, 40);
    const streamed = [...eachTask([root, root, path.join(root, '.agent-workspace')])];
    assert.deepEqual(
      streamed.map((t) => t.dir).sort(),
      listed.tasks.map((t) => t.dir),
    );
    assert.deepEqual(
      streamed.find((t) => t.name === listed.tasks[0]!.name),
      listed.tasks[0],
    );
  });

  it('never yields a symlinked task, a file, a refused name, or anything outside the roots', () => {
    const dirs = [...eachTask([root])].map((t) => t.dir);
    for (const dir of dirs) assert.ok(fs.lstatSync(dir).isDirectory() && !fs.lstatSync(dir).isSymbolicLink(), dir);
    assert.ok(!dirs.some((d) => d.includes('888888') || d.includes('777777') || d.includes('bad name') || d.startsWith(outside)));
  });

  it('skips roots and bases that cannot be read, and closes its directory when the caller stops early', () => {
    assert.deepEqual([...eachTask([path.join(tmp, 'missing')])], []);
    const before = openDescriptors();
    for (let round = 0; round < 5; round++) {
      for (const task of eachTask([root])) {
        assert.ok(task.dir.startsWith(root));
        break;
      }
    }
    assert.equal(openDescriptors(), before);
  });
});
