import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  detailLineCount,
  fileName,
  filesByFolder,
  formatCountdown,
  formatGraceLeft,
  graceLeftSeconds,
  reasonForDisplay,
} from '../../renderer/src/lib/agent-details.js';
import { restoreDestination } from '../../renderer/src/lib/archive-paths.js';

const file = (path: string, bytes = 1) => ({ path, bytes, mtime: null });

describe('finishing agents: the grace countdown', () => {
  const now = Date.parse('2025-11-24T12:00:00Z');

  it('counts down from graceEndsAt, whole seconds rounded up, never below 0', () => {
    assert.equal(graceLeftSeconds({ graceEndsAt: '2025-11-24T12:00:12Z', graceSeconds: 20 }, now), 12);
    assert.equal(graceLeftSeconds({ graceEndsAt: '2025-11-24T12:00:11.200Z', graceSeconds: 20 }, now), 12);
    assert.equal(graceLeftSeconds({ graceEndsAt: '2025-11-24T12:00:12Z', graceSeconds: 20 }, now + 11_500), 1);
    assert.equal(graceLeftSeconds({ graceEndsAt: '2025-11-24T12:00:12Z', graceSeconds: 20 }, now + 12_000), 0);
    assert.equal(graceLeftSeconds({ graceEndsAt: '2025-11-24T12:00:12Z', graceSeconds: 20 }, now + 60_000), 0);
  });

  it('falls back to the seconds left at report time without a usable end, and is null without a grace', () => {
    assert.equal(graceLeftSeconds({ graceEndsAt: null, graceSeconds: 7 }, now), 7);
    assert.equal(graceLeftSeconds({ graceEndsAt: 'soon', graceSeconds: 7.2 }, now), 8);
    assert.equal(graceLeftSeconds({ graceEndsAt: null, graceSeconds: null }, now), null);
  });

  it('formats seconds, minutes and hours', () => {
    assert.equal(formatCountdown(0), '0 s');
    assert.equal(formatCountdown(12), '12 s');
    assert.equal(formatCountdown(59.2), '1 m 00 s');
    assert.equal(formatCountdown(65), '1 m 05 s');
    assert.equal(formatCountdown(3599), '59 m 59 s');
    assert.equal(formatCountdown(3600 * 2 + 180), '2 h 03 m');
    assert.equal(formatCountdown(-3), '0 s');
  });

  it('says "left" while it runs and "grace over" once it has ended', () => {
    assert.equal(formatGraceLeft(12), '12 s left');
    assert.equal(formatGraceLeft(0), 'grace over');
    assert.equal(formatGraceLeft(null), null);
  });

  it("drops the report's own seconds-left from a finishing reason, which the live countdown replaces", () => {
    const reason =
      'status completed, but its processes still run: left to exit on its own until 2025-11-24T12:00:12.000Z (12 s of the 20 s finish grace left)';
    assert.equal(
      reasonForDisplay({ verdict: 'finishing', reason }),
      'status completed, but its processes still run: left to exit on its own until 2025-11-24T12:00:12.000Z',
    );
    assert.equal(reasonForDisplay({ verdict: 'finishing', reason: 'worded otherwise' }), 'worded otherwise');
    assert.equal(
      reasonForDisplay({ verdict: 'finished', reason: 'x (1 s of the 2 s finish grace left)' }),
      'x (1 s of the 2 s finish grace left)',
    );
  });
});

describe('agent details: files by folder', () => {
  const files = [
    file('agent_prompt_a.txt', 5),
    file('findings/a_findings.jsonl', 3),
    file('logs/a_stream.jsonl', 10),
    file('progress/a_progress.jsonl', 2),
    file('logs/deploy_a.json', 1),
    file('other/x', 4),
  ];

  it('logs/, progress/, findings/, other folders, then the task folder itself', () => {
    const groups = filesByFolder(files);
    assert.deepEqual(
      groups.map((g) => [g.folder, g.files.map((f) => fileName(f.path)), g.bytes]),
      [
        ['logs/', ['a_stream.jsonl', 'deploy_a.json'], 11],
        ['progress/', ['a_progress.jsonl'], 2],
        ['findings/', ['a_findings.jsonl'], 3],
        ['other/', ['x'], 4],
        ['', ['agent_prompt_a.txt'], 5],
      ],
    );
    assert.deepEqual(filesByFolder([]), []);
  });

  it('a line for the source, one for a running grace, one per folder (at least one)', () => {
    assert.equal(detailLineCount({ verdict: 'active', files }), 1 + 5);
    assert.equal(detailLineCount({ verdict: 'finishing', files: [file('logs/a.log')] }), 1 + 1 + 1);
    assert.equal(detailLineCount({ verdict: 'clean', files: [] }), 1 + 1);
  });
});

describe('archives: where restore puts a file', () => {
  it('back into the folder it came from; a scrollback into logs/ under its archived name', () => {
    assert.equal(restoreDestination({ path: 'archive/a_stream.jsonl.gz', source: 'logs/a_stream.jsonl' }), 'logs/a_stream.jsonl');
    assert.equal(
      restoreDestination({ path: 'archive/a_progress.jsonl', source: 'progress/a_progress.jsonl' }),
      'progress/a_progress.jsonl',
    );
    assert.equal(
      restoreDestination({ path: 'archive/a_findings.jsonl.gz', source: 'findings/a_findings.jsonl' }),
      'findings/a_findings.jsonl',
    );
    assert.equal(restoreDestination({ path: 'archive/a_scrollback.txt.gz', source: 'tmux:agent_a' }), 'logs/a_scrollback.txt');
  });
});
