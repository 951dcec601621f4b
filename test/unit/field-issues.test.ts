import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigSchema, fieldIssues } from '../../src/shared/index.js';

/** Issue 10 point 5: the settings form's errors in plain words, by field, never the schema library's own text. */
describe('field issues in plain words', () => {
  it('words each kind of schema issue for a person, by field path', () => {
    const parsed = ConfigSchema.safeParse({
      idleMinutes: -1,
      killGraceMs: 1.5,
      roots: 'x',
      compression: 'zip',
      retention: { maxAgeDays: 'a' },
      notifications: { enabled: 'yes' },
      pins: ['a'.repeat(300)],
    });
    assert.equal(parsed.success, false);
    const byPath = Object.fromEntries(fieldIssues(parsed.error!.issues).map((i) => [i.path, i.message]));
    assert.deepEqual(byPath, {
      roots: 'must be a list',
      idleMinutes: 'must be more than 0',
      'pins.0': 'must have at most 256 characters',
      compression: 'must be one of: gzip, none',
      killGraceMs: 'must be a whole number',
      'retention.maxAgeDays': 'must be a number',
      'notifications.enabled': 'must be on or off',
    });
    for (const message of Object.values(byPath)) assert.doesNotMatch(message, /Invalid input|expected|received|Too (small|big)/);
  });
});
