import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigSchema, defaultConfig } from '../../src/shared/index.js';
import { draftFromConfig, isOverridden, issuesByPath, validateDraft } from '../../renderer/src/lib/settings-form.js';

const base = ConfigSchema.parse({ roots: ['/w/a'], tmuxSocket: '/tmp/s', retention: { maxAgeDays: 30, maxBytesPerRoot: 3 * 1024 * 1024 }, timeouts: { tmuxMs: 5000 } });

describe('settings form', () => {
  it('an untouched form saves the config it was given, hidden fields included', () => {
    const { config, issues } = validateDraft(base, draftFromConfig(base));
    assert.deepEqual(issues, []);
    assert.deepEqual(ConfigSchema.parse(config), base);
  });

  it('numbers typed as text; empty limits mean "no limit", MiB become bytes', () => {
    const d = draftFromConfig(base);
    assert.equal(d.retentionMaxMiB, '3');
    const { config, issues } = validateDraft(base, { ...d, retentionMaxAgeDays: ' ', retentionMaxMiB: '1.5', idleMinutes: '45' });
    assert.deepEqual(issues, []);
    const c = ConfigSchema.parse(config);
    assert.equal(c.retention.maxAgeDays, null);
    assert.equal(c.retention.maxBytesPerRoot, 1.5 * 1024 * 1024);
    assert.equal(c.idleMinutes, 45);
  });

  it('"never" saves idleMinutes null, whatever the number box holds', () => {
    const { config } = validateDraft(base, { ...draftFromConfig(base), idleNever: true, idleMinutes: 'abc' });
    assert.equal(ConfigSchema.parse(config).idleMinutes, null);
    assert.equal(draftFromConfig(ConfigSchema.parse({ idleMinutes: null })).idleNever, true);
  });

  it('names each bad field by its dotted path, one message per field', () => {
    const d = draftFromConfig(base);
    const { issues } = validateDraft(base, {
      ...d,
      retentionMaxAgeDays: '-2',
      idleWarningMinutes: '',
      sessionPattern: '([',
      notifications: { ...d.notifications, minIntervalSeconds: 'soon' },
      roots: ['/w/a', ''],
      terminalStatuses: [],
    });
    const byPath = issuesByPath(issues);
    assert.deepEqual([...byPath.keys()].sort(), ['idleWarningMinutes', 'notifications.minIntervalSeconds', 'retention.maxAgeDays', 'roots.1', 'sessionPattern', 'terminalStatuses'].sort());
    assert.equal(byPath.get('idleWarningMinutes'), 'required');
    assert.equal(byPath.get('notifications.minIntervalSeconds'), 'enter a number');
    assert.match(byPath.get('sessionPattern')!, /regular expression/);
    assert.equal(issues.filter((i) => i.path === 'roots.1').length, 1, 'the form speaks for an empty item, not zod too');
  });

  it('an overridden key locks its field and the fields under it', () => {
    assert.equal(isOverridden(['roots'], 'roots'), true);
    assert.equal(isOverridden(['retention'], 'retention.maxAgeDays'), true);
    assert.equal(isOverridden(['retention.maxAgeDays'], 'retention.maxBytesPerRoot'), false);
    assert.equal(isOverridden(['idleMinutes'], 'idleWarningMinutes'), false);
    assert.equal(isOverridden([], 'roots'), false);
  });

  it('the default config round-trips', () => {
    const c = defaultConfig();
    assert.deepEqual(ConfigSchema.parse(validateDraft(c, draftFromConfig(c)).config), c);
  });
});
