import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chunks, groupAlerts, groupFixLabel, groupFixPlan } from '../../renderer/src/lib/alert-groups.js';
import type { Alert } from '../../src/shared/index.js';

const alert = (id: string, kind: Alert['kind'], fix: Alert['fix'] = { label: 'Kill session', effect: 'kills it' }): Alert => ({
  id,
  kind,
  severity: 'warning',
  title: id,
  explanation: '',
  task: null,
  agentId: null,
  since: '2026-12-06T00:00:00.000Z',
  fix,
  orphan: null,
});

describe('alerts grouped by cause (issue 10 point 4)', () => {
  it('puts two or more of one kind in one group where the first was, and leaves a lone alert a card', () => {
    const list = [alert('o1', 'orphan-session'), alert('g1', 'ghost-agent'), alert('o2', 'orphan-session'), alert('o3', 'orphan-session')];
    const shown = groupAlerts(list);
    assert.equal(shown.length, 2);
    assert.deepEqual('alerts' in shown[0]! ? shown[0].alerts.map((a) => a.id) : null, ['o1', 'o2', 'o3']);
    assert.equal('id' in shown[1]! ? shown[1].id : null, 'g1');
  });

  it("a group's fix covers the fixable ones only, and says how many", () => {
    const plan = groupFixPlan([
      alert('o1', 'orphan-session'),
      alert('o2', 'orphan-session', { label: 'Kill session', effect: 'x', blocked: 'a registry cannot be read' }),
      alert('z', 'zombie', null),
    ]);
    assert.deepEqual([plan.fixable.map((a) => a.id), plan.blocked.map((a) => a.id), plan.noFix.map((a) => a.id)], [['o1'], ['o2'], ['z']]);
    assert.equal(groupFixLabel('orphan-session', 15), 'Kill all 15 orphan sessions');
    assert.deepEqual(chunks([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
  });
});
