import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { savePinned, saveSettings, type SettingsSource } from '../../src/core/service/settings-store.js';
import { parseInput } from '../../src/shared/ui-call.js';
import { LIMITS, READ_ONLY_SETTINGS, defaultConfig, settingChanges, type UiError } from '../../src/shared/index.js';
import { sandboxPool } from '../helpers/sandbox.js';

const pool = sandboxPool();
after(() => pool.cleanupAll());

/** A config file with some hand-written content, and a canary outside the roots that nothing may touch. */
function setup(): { source: SettingsSource; file: string; canary: string; canaryStat: fs.Stats } {
  const sb = pool.fresh();
  const file = path.join(sb.dir, 'config', 'agent-janitor', 'config.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ idleMinutes: 90, tmuxBinary: 'tmux', metricsPath: null, custom: undefined }, null, 2));
  const canary = path.join(sb.dir, 'canary.txt');
  fs.writeFileSync(canary, 'canary\n');
  return { source: { file, overrides: {}, env: {} }, file, canary, canaryStat: fs.statSync(canary) };
}

function issuesOf(parsed: { ok: true } | { ok: false; error: UiError }): string[] {
  return parsed.ok ? [] : parsed.error.issues.map((i) => i.path);
}

describe('settings from the window (issue 9: the window cannot change how programs run or where files go)', () => {
  it('the API refuses any change to tmuxBinary, tmuxSocket or metricsPath, and the whole-form shape', () => {
    for (const key of READ_ONLY_SETTINGS) {
      const parsed = parseInput('saveSettings', { changes: [{ path: key, from: null, to: '/tmp/evil' }] });
      assert.equal(parsed.ok, false, `${key} refused`);
      assert.deepEqual(issuesOf(parsed), ['changes.0.path']);
    }
    assert.equal(
      parseInput('saveSettings', { config: { tmuxBinary: '/bin/sh', tmuxSocket: '-c' } }).ok,
      false,
      'the old whole-config shape is gone',
    );
    assert.equal(
      parseInput('saveSettings', {
        changes: [
          { path: 'idleMinutes', from: 90, to: 30 },
          { path: 'idleMinutes', from: 90, to: 31 },
        ],
      }).ok,
      false,
      'one field named twice',
    );
    // The form never sends them either: diffing a config whose read-only fields differ yields no change for them.
    const loaded = defaultConfig();
    assert.deepEqual(
      settingChanges(loaded, { ...loaded, tmuxBinary: '/bin/sh', metricsPath: '/etc/passwd', idleMinutes: 5 }).map((c) => c.path),
      ['idleMinutes'],
    );
  });

  it('caps every string and array the API takes', () => {
    const long = 'x'.repeat(LIMITS.pathLength + 1);
    assert.deepEqual(issuesOf(parseInput('setPinned', { agentId: 'a'.repeat(LIMITS.idLength + 1), pinned: true })), ['agentId']);
    assert.deepEqual(issuesOf(parseInput('readLog', { taskDir: long, agentId: 'a-1' })), ['taskDir']);
    assert.deepEqual(issuesOf(parseInput('restoreArchive', { taskDir: '/t', path: long })), ['path']);
    assert.deepEqual(issuesOf(parseInput('openPath', { path: long })), ['path']);
    assert.deepEqual(issuesOf(parseInput('fixAlert', { id: long })), ['id']);
    const pins = Array.from({ length: LIMITS.pins + 1 }, (_, i) => `p-${i}`);
    assert.equal(parseInput('saveSettings', { changes: [{ path: 'pins', from: [], to: pins }] }).ok, false);
    assert.equal(parseInput('saveSettings', { changes: [{ path: 'sessionPattern', from: '^agent_', to: long }] }).ok, false);
  });

  it('writes only the fields changed, keeps a hand edit of another field, and reports one of the same field', () => {
    const { source, file, canary, canaryStat } = setup();
    const saved = saveSettings(source, [{ path: 'ghostGraceSeconds', from: 120, to: 300 }]);
    assert.equal(saved.result.ok, true);
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), {
      idleMinutes: 90,
      tmuxBinary: 'tmux',
      metricsPath: null,
      ghostGraceSeconds: 300,
    });

    // By hand, meanwhile: another field, and the very field the form is about to change.
    const byHand = { ...JSON.parse(fs.readFileSync(file, 'utf8')), finishGraceSeconds: 45, idleMinutes: 200 };
    fs.writeFileSync(file, JSON.stringify(byHand));
    const stale = saveSettings(source, [{ path: 'idleMinutes', from: 90, to: 60 }]);
    assert.equal(stale.result.ok, false);
    assert.deepEqual(stale.result.ok ? [] : stale.result.issues.map((i) => i.path), ['idleMinutes']);
    assert.match(stale.result.ok ? '' : stale.result.issues[0]!.message, /changed in .* since this form was loaded \(now 200\)/);
    assert.equal(fs.readFileSync(file, 'utf8'), JSON.stringify(byHand), 'nothing written');

    const other = saveSettings(source, [{ path: 'compressAfterDays', from: 7, to: 14 }]);
    assert.equal(other.result.ok, true);
    const onFile = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.deepEqual(
      [onFile.finishGraceSeconds, onFile.idleMinutes, onFile.compressAfterDays],
      [45, 200, 14],
      'the hand edits survive a save of another field',
    );
    assert.equal(fs.readFileSync(canary, 'utf8'), 'canary\n');
    assert.equal(fs.statSync(canary).mtimeMs, canaryStat.mtimeMs);
  });

  it('refuses a pin beyond the limit without writing, and a field fixed on the command line', () => {
    const { source, file } = setup();
    const full = Array.from({ length: LIMITS.pins }, (_, i) => `p-${String(i).padStart(4, '0')}`);
    fs.writeFileSync(file, JSON.stringify({ pins: full }));
    const before = fs.readFileSync(file, 'utf8');
    assert.throws(() => savePinned(source, 'one-more', true), /at most 1000 agents can be pinned/);
    assert.equal(fs.readFileSync(file, 'utf8'), before);
    savePinned(source, 'p-0000', false);
    assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).pins.length, LIMITS.pins - 1, 'unpinning still works at the limit');

    const fixed = saveSettings({ ...source, overrides: { roots: ['/r'] } }, [{ path: 'roots', from: ['/r'], to: ['/elsewhere'] }]);
    assert.deepEqual(fixed.result.ok ? [] : fixed.result.issues.map((i) => i.path), ['roots']);
  });
});
