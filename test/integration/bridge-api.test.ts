import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { MAX_BODY_BYTES } from '../../src/bridge/api-router.js';
import { UiErrorSchema, type AgentRow } from '../../src/shared/index.js';
import { bearer, call, closeTestBridges, request, startTestBridge, type RawResponse, type TestBridge } from '../helpers/bridge-harness.js';

/** `POST /api/<method>`: the shared contract's input and output schemas, errors, and limits, over real HTTP. */

let t: TestBridge;
before(async () => {
  t = await startTestBridge();
});
after(closeTestBridges);

function uiError(res: RawResponse) {
  assert.match(String(res.headers['content-type']), /^application\/json/);
  return UiErrorSchema.parse(JSON.parse(res.body));
}

describe('web bridge: API', () => {
  it('answers a good call with the service output, parsed with the contract (defaults applied)', async () => {
    const res = await call(t, 'setPinned', { agentId: 'agent-1', pinned: true });
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.deepEqual(JSON.parse(res.body), { pins: ['agent-1'] });
    assert.deepEqual(t.fake.calls.at(-1), { method: 'setPinned', input: { agentId: 'agent-1', pinned: true } });

    // activity's input has defaults: the service gets them filled in, from `{}` and from an empty body alike.
    const withDefaults = await call(t, 'activity', {});
    assert.deepEqual(JSON.parse(withDefaults.body), { entries: [], total: 500 });
    assert.deepEqual(t.fake.calls.at(-1)?.input, { query: '', limit: 500, offset: 0 });
    const emptyBody = await request(t.bridge.port, { method: 'POST', path: '/api/activity', headers: bearer(t.bridge.token) });
    assert.equal(emptyBody.status, 200);
    assert.deepEqual(JSON.parse(emptyBody.body), { entries: [], total: 500 });
  });

  it('refuses invalid input with 400 and issues naming each field, without calling the service', async () => {
    const before = t.fake.calls.length;
    const res = await call(t, 'setPinned', { agentId: '', pinned: 'yes', extra: 1 });
    assert.equal(res.status, 400);
    const err = uiError(res);
    assert.match(err.error, /setPinned/);
    const paths = err.issues.map((i) => i.path).sort();
    assert.deepEqual(paths, ['agentId', 'extra', 'pinned']);
    assert.ok(err.issues.every((i) => i.message.length > 0));

    const nested = await call(t, 'activity', { limit: -3 });
    assert.equal(nested.status, 400);
    assert.deepEqual(
      uiError(nested).issues.map((i) => i.path),
      ['limit'],
    );

    const notObject = await call(t, 'getState', [1, 2]);
    assert.equal(notObject.status, 400);
    assert.equal(t.fake.calls.length, before);
  });

  it('refuses a body that is not JSON (400)', async () => {
    const res = await request(t.bridge.port, { method: 'POST', path: '/api/getState', headers: bearer(t.bridge.token), body: '{"oops' });
    assert.equal(res.status, 400);
    assert.match(uiError(res).error, /not JSON/);
  });

  it('passes a service error on: 500 with its message, or 400 with its field issues', async () => {
    t.fake.impl.cleanNow = async () => {
      throw new Error('tmux exploded');
    };
    const plain = await call(t, 'cleanNow', {});
    assert.equal(plain.status, 500);
    assert.deepEqual(uiError(plain), { error: 'tmux exploded', issues: [] });

    t.fake.impl.saveSettings = async () => {
      throw Object.assign(new Error('settings refused'), { issues: [{ path: 'retention.maxAgeDays', message: 'must be positive' }] });
    };
    const withIssues = await call(t, 'saveSettings', { changes: [{ path: 'retention.maxAgeDays', from: null, to: -1 }] });
    assert.equal(withIssues.status, 400);
    assert.deepEqual(uiError(withIssues), {
      error: 'settings refused',
      issues: [{ path: 'retention.maxAgeDays', message: 'must be positive' }],
    });

    t.fake.impl.previewClean = async () => {
      throw Object.assign(new Error('odd issues'), { issues: 'not an array' });
    };
    const badIssues = await call(t, 'previewClean', {});
    assert.equal(badIssues.status, 500, 'issues of the wrong shape are not passed along as field issues');
  });

  it('answers 500 naming the broken contract when the service returns the wrong shape', async () => {
    t.fake.impl.listAgents = async () => [{ task: 'TASK-1', agentId: 'a' }] as unknown as AgentRow[];
    const res = await call(t, 'listAgents', {});
    assert.equal(res.status, 500);
    const err = uiError(res);
    assert.match(err.error, /broke the UI contract/);
    assert.match(err.error, /listAgents/);
    assert.ok(
      err.issues.some((i) => i.path.startsWith('0.')),
      JSON.stringify(err.issues),
    );
  });

  it('strips fields the contract does not know from an answer', async () => {
    t.fake.impl.fixAlert = async ({ id }) => ({ ok: true, message: `fixed ${id}`, secret: 'internal' }) as { ok: boolean; message: string };
    const res = await call(t, 'fixAlert', { id: 'orphan-session:x' });
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { ok: true, message: 'fixed orphan-session:x' });
  });

  it('answers 404 for an unknown method, 405 for a method called other than by POST', async () => {
    for (const name of ['nope', '__proto__', 'constructor', 'toString', 'subscribe', 'getState/extra', '']) {
      const res = await call(t, name, {});
      assert.equal(res.status, 404, name);
      uiError(res);
    }
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await request(t.bridge.port, { method, path: '/api/getState', headers: bearer(t.bridge.token) });
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.allow, 'POST');
    }
  });

  it('refuses a body over 1 MiB with 413, declared or streamed, and never calls the service', async () => {
    const before = t.fake.calls.length;
    const big = JSON.stringify({ query: 'x'.repeat(MAX_BODY_BYTES) });
    const declared = await call(t, 'activity', JSON.parse(big));
    assert.equal(declared.status, 413);
    assert.match(uiError(declared).error, /bytes/);

    // Chunked: no Content-Length, so the limit is found while reading.
    const streamed = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: t.bridge.port,
          method: 'POST',
          path: '/api/activity',
          headers: { ...bearer(t.bridge.token), 'Transfer-Encoding': 'chunked' },
          agent: false,
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write(big.slice(0, MAX_BODY_BYTES / 2));
      req.end(big.slice(MAX_BODY_BYTES / 2));
    });
    assert.equal(streamed, 413);

    const exactly = await request(t.bridge.port, {
      method: 'POST',
      path: '/api/getState',
      headers: bearer(t.bridge.token),
      body: '{}' + ' '.repeat(MAX_BODY_BYTES - 2),
    });
    assert.equal(exactly.status, 200, 'a body of exactly the limit is read');
    assert.equal(t.fake.calls.length, before + 1);
  });
});
