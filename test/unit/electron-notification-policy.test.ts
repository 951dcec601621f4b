import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alertIdFromRoute } from '../../src/shared/alert-id.js';
import { defaultConfig } from '../../src/shared/config-schema.js';
import type { DaemonEvent } from '../../src/shared/daemon-schema.js';
import {
  DEFAULT_BURST_MS,
  NotificationPolicy,
  notificationActionsSupported,
  type NotificationConfig,
} from '../../src/electron-main/notification-policy.js';

const TS = '2026-11-24T00:00:00.000Z';
const orphanSession = (i: number): DaemonEvent => ({
  event: 'orphan',
  ts: TS,
  orphan: { kind: 'orphan-session', session: `agent_x${i}`, sessionId: `$${i}`, reason: 'no registry names it', unreadable: [] },
});
const ghost = (agentId: string): DaemonEvent => ({
  event: 'orphan',
  ts: TS,
  orphan: { kind: 'ghost-agent', task: 'TASK-20261124-000000-aaaaaaaa', agentId, session: null, reason: 'session gone for 5 min' },
});
const suspect: DaemonEvent = {
  event: 'orphan',
  ts: TS,
  orphan: { kind: 'suspect', agentId: 'builder-1', pid: 4242, argv: 'node builder-1', reason: 'argv names the agent' },
};
const idle: DaemonEvent = {
  event: 'idle-warning',
  ts: TS,
  task: 'TASK-20261124-000000-aaaaaaaa',
  agentId: 'builder-2',
  idleMinutes: 100,
  cleanInMinutes: 10,
};
const stalled: DaemonEvent = { event: 'stalled', ts: TS, step: 'archive', runningMs: 45_000, limitMs: 30_000 };
const breaker: DaemonEvent = {
  event: 'breaker',
  ts: TS,
  task: 'TASK-20261124-000000-bbbbbbbb',
  failures: 3,
  retryAt: TS,
  lastError: 'EACCES',
};

function config(over: Partial<NotificationConfig> = {}): NotificationConfig {
  return { ...defaultConfig().notifications, minIntervalSeconds: 60, ...over };
}

describe('notification policy', () => {
  it('makes one notification of a burst of 50 orphan sessions, linking to the alerts list', () => {
    const p = new NotificationPolicy(config());
    for (let i = 0; i < 50; i++) assert.equal(p.offer(orphanSession(i), 1000 + i), true);
    assert.deepEqual(p.take(1000 + 60), [], 'held while the burst may still grow');
    assert.equal(p.nextDueAt(), 1000 + DEFAULT_BURST_MS);
    const shown = p.take(1000 + DEFAULT_BURST_MS);
    assert.equal(shown.length, 1);
    assert.equal(shown[0]!.title, '50 orphan sessions');
    assert.equal(shown[0]!.body, 'agent_x0, agent_x1, agent_x2 and 47 more');
    assert.equal(shown[0]!.deepLink, '#/alerts');
    assert.equal(shown[0]!.alertIds.length, 50);
    assert.equal(shown[0]!.fix, null, 'no one-click fix for a group');
    assert.equal(p.nextDueAt(), null);
  });

  it('links a single item to its alert and offers its fix', () => {
    const p = new NotificationPolicy(config());
    p.offer(orphanSession(7), 0);
    const [n] = p.take(DEFAULT_BURST_MS);
    assert.equal(n!.title, 'Orphan session');
    assert.match(n!.body, /agent_x7/);
    assert.equal(n!.deepLink, '#/alerts/orphan-session%3A%247');
    assert.equal(alertIdFromRoute(n!.deepLink), 'orphan-session:$7');
    assert.deepEqual(n!.fix, { alertId: 'orphan-session:$7', label: 'Kill session' });
  });

  it('encodes ids holding a slash into one route segment', () => {
    const p = new NotificationPolicy(config());
    p.offer(ghost('builder-9'), 0);
    const [n] = p.take(DEFAULT_BURST_MS);
    assert.equal(alertIdFromRoute(n!.deepLink), 'ghost-agent:TASK-20261124-000000-aaaaaaaa/builder-9');
    assert.ok(!n!.deepLink.slice('#/alerts/'.length).includes('/'));
  });

  it('never offers a one-click kill for a suspect (only one a person chose in the window)', () => {
    const p = new NotificationPolicy(config());
    p.offer(suspect, 0);
    const [n] = p.take(DEFAULT_BURST_MS);
    assert.equal(n!.title, 'Suspect process');
    assert.equal(n!.fix, null);
    assert.equal(alertIdFromRoute(n!.deepLink), 'suspect:4242');
  });

  it('rate-limits per kind: what arrives within the interval is held and shown as one group when it ends', () => {
    const p = new NotificationPolicy(config({ minIntervalSeconds: 60 }));
    p.offer(orphanSession(1), 0);
    assert.equal(p.take(DEFAULT_BURST_MS).length, 1);
    // three more within the minute after that notification
    p.offer(orphanSession(2), 10_000);
    p.offer(orphanSession(3), 20_000);
    p.offer(orphanSession(4), 59_000);
    assert.equal(p.nextDueAt(), DEFAULT_BURST_MS + 60_000);
    assert.deepEqual(p.take(30_000), []);
    assert.deepEqual(p.take(DEFAULT_BURST_MS + 59_999), []);
    const flushed = p.take(DEFAULT_BURST_MS + 60_000);
    assert.equal(flushed.length, 1);
    assert.equal(flushed[0]!.title, '3 orphan sessions');
    assert.equal(flushed[0]!.body, 'agent_x2, agent_x3, agent_x4');
    // a single one after a quiet interval is shown on its own, after the burst wait only
    p.offer(orphanSession(5), 500_000);
    assert.equal(p.nextDueAt(), 500_000 + DEFAULT_BURST_MS);
    assert.equal(p.take(500_000 + DEFAULT_BURST_MS)[0]!.title, 'Orphan session');
  });

  it('limits each kind separately and groups each kind on its own', () => {
    const p = new NotificationPolicy(config());
    p.offer(orphanSession(1), 0);
    p.offer(ghost('a'), 0);
    p.offer(ghost('b'), 1);
    p.offer(idle, 2);
    p.offer(stalled, 3);
    p.offer(breaker, 4);
    const shown = p.take(10_000);
    assert.deepEqual(shown.map((n) => n.title).sort(), [
      '2 ghost agents',
      'Cleanup keeps failing',
      'Idle agent will be cleaned',
      'Orphan session',
      'Stalled cleanup',
    ]);
    assert.deepEqual(shown.find((n) => n.kind === 'idle-warning')!.fix, {
      alertId: 'idle-warning:TASK-20261124-000000-aaaaaaaa/builder-2',
      label: 'Keep (pin)',
    });
  });

  it('counts an alert offered twice in one group once', () => {
    const p = new NotificationPolicy(config());
    p.offer(orphanSession(1), 0);
    p.offer(orphanSession(1), 5);
    assert.equal(p.take(DEFAULT_BURST_MS + 5)[0]!.title, 'Orphan session');
  });

  it('honours the per-kind toggles', () => {
    const p = new NotificationPolicy(config({ orphans: false, idleWarnings: false }));
    assert.equal(p.offer(orphanSession(1), 0), false);
    assert.equal(p.offer(suspect, 0), false, 'suspects, zombies and leftover processes follow "orphans"');
    assert.equal(p.offer(idle, 0), false);
    assert.equal(p.offer(ghost('a'), 0), true);
    assert.equal(p.offer(stalled, 0), true);
    assert.deepEqual(
      p
        .take(DEFAULT_BURST_MS)
        .map((n) => n.kind)
        .sort(),
      ['ghost-agent', 'stalled'],
    );
    const q = new NotificationPolicy(config({ ghosts: false, stalled: false }));
    assert.equal(q.offer(ghost('a'), 0), false);
    assert.equal(q.offer(stalled, 0), false);
    assert.equal(q.offer(breaker, 0), false, 'breakers follow "stalled"');
    assert.equal(q.nextDueAt(), null);
  });

  it('shows nothing when notifications are disabled, and drops what was held when they are turned off', () => {
    const off = new NotificationPolicy(config({ enabled: false }));
    for (const e of [orphanSession(1), ghost('a'), idle, stalled, breaker]) assert.equal(off.offer(e, 0), false);
    assert.equal(off.nextDueAt(), null);
    const p = new NotificationPolicy(config());
    p.offer(orphanSession(1), 0);
    p.offer(ghost('a'), 0);
    p.setConfig(config({ orphans: false }));
    assert.deepEqual(
      p.take(DEFAULT_BURST_MS).map((n) => n.kind),
      ['ghost-agent'],
    );
    p.offer(stalled, 10_000);
    p.setConfig(config({ enabled: false }));
    assert.equal(p.nextDueAt(), null);
    assert.deepEqual(p.take(1e9), []);
  });

  it('ignores events that are not problems', () => {
    const p = new NotificationPolicy(config());
    assert.equal(p.offer({ event: 'sweep', ts: TS, trigger: 'watch', tasks: 1, actions: {}, engineMs: 3 }, 0), false);
    assert.equal(p.offer({ event: 'watch-fallback', ts: TS, reason: 'ENOSPC' }, 0), false);
    assert.equal(p.nextDueAt(), null);
  });

  it('has buttons on macOS and Windows, a click-through elsewhere', () => {
    assert.equal(notificationActionsSupported('darwin'), true);
    assert.equal(notificationActionsSupported('win32'), true);
    assert.equal(notificationActionsSupported('linux'), false);
  });
});
