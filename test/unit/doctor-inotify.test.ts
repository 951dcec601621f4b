import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inotifyVerdict } from '../../src/core/service/doctor.js';

/** doctor's inotify check counts what the daemon watches: two per workspace base and one per active task. */
describe('doctor: inotify limit', () => {
  it('passes 10,000 tasks under the common 8,192 limit: finished tasks cost no watch', () => {
    const check = inotifyVerdict({ watches: 8192, instances: 128 }, 10_000, 1);
    assert.equal(check.ok, true, check.detail);
    assert.match(check.detail, /2 for 1 workspace base, room for 8190 tasks with unfinished agents \(of 10,000 tasks\)/);
  });

  it('fails when the limit leaves too little room beside the bases, and says how to raise it', () => {
    const check = inotifyVerdict({ watches: 60, instances: 128 }, 500, 3);
    assert.equal(check.ok, false);
    assert.match(check.detail, /room for 54 tasks.*raise fs\.inotify\.max_user_watches/);
  });

  it('asks no more room than there are tasks, and passes when the limit cannot be read', () => {
    assert.equal(inotifyVerdict({ watches: 20, instances: 128 }, 5, 2).ok, true);
    assert.equal(inotifyVerdict({ watches: null, instances: null }, 10_000, 1).ok, true);
  });
});
