import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatAge, formatBytes, formatMinutes, formatRatio, percent } from '../../renderer/src/lib/format.js';
import { formatHash, parseHash } from '../../renderer/src/lib/route.js';

describe('renderer formatting', () => {
  it('sizes in binary units, three significant digits, never "1024 KiB"', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1024), '1.0 KiB');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(150 * 1024), '150 KiB');
    assert.equal(formatBytes(1024 * 1024 - 10), '1.0 MiB');
    assert.equal(formatBytes(5.25 * 1024 ** 3), '5.3 GiB');
    assert.equal(formatBytes(-2048), '-2.0 KiB');
    assert.equal(formatBytes(null), '—');
    assert.equal(formatBytes(Number.NaN), '—');
  });

  it('spans of minutes from seconds to days', () => {
    assert.equal(formatMinutes(0.5), '30s');
    assert.equal(formatMinutes(12.9), '12m');
    assert.equal(formatMinutes(65), '1h 05m');
    assert.equal(formatMinutes(60 * 24 * 2 + 60 * 4 + 3), '2d 4h');
    assert.equal(formatMinutes(null), '—');
  });

  it('relative ages, past and future', () => {
    const now = Date.parse('2025-11-24T12:00:00Z');
    assert.equal(formatAge('2025-11-24T11:59:50Z', now), 'just now');
    assert.equal(formatAge('2025-11-24T11:57:00Z', now), '3m ago');
    assert.equal(formatAge('2025-11-24T09:30:00Z', now), '2h 30m ago');
    assert.equal(formatAge('2025-11-24T12:10:00Z', now), 'in 10m');
    assert.equal(formatAge(null, now), '—');
    assert.equal(formatAge('not a date', now), 'not a date');
  });

  it('ratios and percentages', () => {
    assert.equal(formatRatio(4.25), '4.3×');
    assert.equal(formatRatio(12.4), '12×');
    assert.equal(formatRatio(null), '—');
    assert.equal(percent(1, 4), 25);
    assert.equal(percent(5, 0), 0);
    assert.equal(percent(10, 4), 100);
  });
});

describe('renderer deep links', () => {
  it('opens a view at an item, as a notification click does', () => {
    assert.deepEqual(parseHash('#/alerts/ghost-agent%3Abuilder-1'), { view: 'alerts', id: 'ghost-agent:builder-1', params: {} });
    assert.deepEqual(parseHash('#/agents?task=TASK-20251124-010203-abcdef01'), {
      view: 'agents',
      id: null,
      params: { task: 'TASK-20251124-010203-abcdef01' },
    });
  });

  it('falls back to the agents view for anything unknown', () => {
    assert.equal(parseHash('').view, 'agents');
    assert.equal(parseHash('#/nope/x').view, 'agents');
    assert.equal(parseHash('#/nope/x').id, null);
    assert.equal(parseHash('#/alerts/%E0%A4%A').id, '%E0%A4%A');
  });

  it('round-trips ids with slashes and colons', () => {
    for (const id of ['orphan-session:agent_x', 'a/b c', 'zombie:123']) {
      const hash = formatHash({ view: 'alerts', id });
      assert.equal(parseHash(hash).id, id);
    }
    assert.equal(formatHash({ view: 'agents', params: { task: 'T 1', q: '' } }), '#/agents?task=T+1');
  });
});
