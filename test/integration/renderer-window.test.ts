import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { execa } from 'execa';

/**
 * The window in real Chromium (Debian's, which CI installs) over the dev harness's fake engine: 10,000 agents stay
 * virtualized, every view's main action works end to end (preview then clean, pin, logs, deep-linked alert fix,
 * restore/delete/retention, disk sort, journal search, settings issues by field from the form and from the engine),
 * a finishing agent shows its own badge with a running countdown and its details, tabs with counts, sorting, state in
 * the address, bulk pin, an alert group's one fix and journal paging (check-scale.mjs), the Agents view fits 800 px
 * without sideways scrolling, and nothing violates the CSP. The steps live in renderer/dev/check.mjs, which also runs alone
 * (`npm run check:renderer`) and keeps its screenshots.
 */

const repo = path.resolve(import.meta.dirname, '../..');
const shots = mkdtempSync(path.join(os.tmpdir(), 'aj-renderer-'));
after(() => rmSync(shots, { recursive: true, force: true }));

describe('renderer window in Chromium', () => {
  it('passes the harness checks and shoots every view', async () => {
    await execa('node', ['renderer/build.mjs', '--mock'], { cwd: repo, timeout: 60_000 });
    const run = await execa('node', ['renderer/dev/check.mjs', '--shots', shots], {
      cwd: repo,
      timeout: 180_000,
      reject: false,
      all: true,
    });
    assert.equal(run.exitCode, 0, run.all);
    const taken = readdirSync(shots);
    for (const view of [
      'agents',
      'agents-finishing',
      'agents-preview',
      'alerts',
      'archives',
      'disk',
      'activity',
      'settings',
      'settings-error',
      'agents-dark',
      'agents-800',
      'agents-800-dark',
      'agents-sorted',
      'agents-bulk-pin',
      'alerts-group-preview',
      'activity-expanded',
    ]) {
      assert.ok(taken.includes(`${view}.png`), `screenshot ${view}.png (have ${taken.join(', ')})`);
    }
  });
});
