import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { carriedIssues, parseInput, uiErrorOf } from '../../src/shared/ui-call.js';

describe('ui-call: one mapping of refusals for IPC and the web bridge', () => {
  it("keeps the engine's own field issues (a dotted path) and a zod error's (an array path)", () => {
    const engine = Object.assign(new Error('invalid agent id'), { issues: [{ path: 'agentId', message: 'invalid agent id "../x"' }] });
    assert.deepEqual(uiErrorOf(engine), { error: 'invalid agent id', issues: [{ path: 'agentId', message: 'invalid agent id "../x"' }] });
    const zod = z.strictObject({ retention: z.strictObject({ maxAgeDays: z.number() }) }).safeParse({ retention: { maxAgeDays: 'x' } });
    assert.equal(zod.success, false);
    assert.deepEqual(
      carriedIssues(zod.error)?.map((i) => i.path),
      ['retention.maxAgeDays'],
    );
  });

  it('carries no issues for a plain error or a foreign shape', () => {
    assert.deepEqual(uiErrorOf(new Error('boom')), { error: 'boom', issues: [] });
    assert.equal(carriedIssues(Object.assign(new Error('x'), { issues: [{ where: 1 }] })), null);
    assert.deepEqual(uiErrorOf('text'), { error: 'text', issues: [] });
  });

  it("refuses a payload by field and applies the input schema's defaults", () => {
    const bad = parseInput('setPinned', { agentId: 'a-1', pinned: 'yes' });
    assert.equal(bad.ok, false);
    assert.deepEqual(bad.ok ? [] : bad.error.issues.map((i) => i.path), ['pinned']);
    const good = parseInput('activity', {});
    assert.deepEqual(good.ok ? good.input : null, { query: '', limit: 500, offset: 0 });
  });
});
