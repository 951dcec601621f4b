import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigSchema, defaultConfig } from '../../src/shared/index.js';
import { draftFromConfig, isOverridden, issuesByPath, validateDraft } from '../../renderer/src/lib/settings-form.js';

const base = ConfigSchema.parse({
  roots: ['/w/a'],
  tmuxSocket: '/tmp/s',
  retention: { maxAgeDays: 30, maxBytesPerRoot: 3 * 1024 * 1024 },
  timeouts: { tmuxMs: 5000 },
});

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
    assert.deepEqual(
      [...byPath.keys()].sort(),
      [
        'idleWarningMinutes',
        'notifications.minIntervalSeconds',
        'retention.maxAgeDays',
        'roots.1',
        'sessionPattern',
        'terminalStatuses',
      ].sort(),
    );
    assert.equal(byPath.get('idleWarningMinutes'), 'required');
    assert.equal(byPath.get('notifications.minIntervalSeconds'), 'enter a number');
    assert.match(byPath.get('sessionPattern')!, /regular expression/);
    assert.equal(issues.filter((i) => i.path === 'roots.1').length, 1, 'the form speaks for an empty item, not zod too');
  });

  it('the finish grace, compression age ("never" is null) and the state database timeout', () => {
    const d = draftFromConfig(base);
    assert.deepEqual([d.finishGraceSeconds, d.compressAfterDays, d.compressNever, d.databaseMs], ['20', '7', false, '1000']);
    const c = ConfigSchema.parse(validateDraft(base, { ...d, finishGraceSeconds: '0', compressAfterDays: '0', databaseMs: '2500' }).config);
    assert.equal(c.finishGraceSeconds, 0);
    assert.equal(c.compressAfterDays, 0);
    assert.equal(c.timeouts.databaseMs, 2500);
    assert.equal(c.timeouts.tmuxMs, 5000, 'the other timeouts are kept');
    const never = validateDraft(base, { ...d, compressNever: true, compressAfterDays: 'abc' });
    assert.deepEqual(never.issues, []);
    assert.equal(ConfigSchema.parse(never.config).compressAfterDays, null);
    const loaded = draftFromConfig(ConfigSchema.parse({ compressAfterDays: null }));
    assert.equal(loaded.compressNever, true);
    assert.equal(loaded.compressAfterDays, '7', 'unticking "never" offers the default again');
  });

  it('names bad values of the new fields by their paths', () => {
    const d = draftFromConfig(base);
    const byPath = issuesByPath(validateDraft(base, { ...d, finishGraceSeconds: '-1', compressAfterDays: '', databaseMs: '0.5' }).issues);
    assert.deepEqual([...byPath.keys()].sort(), ['compressAfterDays', 'finishGraceSeconds', 'timeouts.databaseMs']);
    assert.equal(byPath.get('compressAfterDays'), 'required');
    assert.equal(issuesByPath(validateDraft(base, { ...d, databaseMs: '0' }).issues).has('timeouts.databaseMs'), true);
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
