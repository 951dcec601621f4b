import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ApiError } from '../../renderer/src/api/errors.js';
import { createBridgeClient, type BridgeEnv } from '../../renderer/src/api/bridge-client.js';
import type { UiEvent } from '../../src/shared/index.js';
import { STATE, closeTestBridges, request, startTestBridge, type TestBridge } from '../helpers/bridge-harness.js';

/**
 * The renderer's own web-bridge client (renderer/src/api/bridge-client.ts) against the real bridge: the two halves of
 * one protocol, written by different hands, must agree. The browser is played by Node's fetch, which also reads the
 * event stream (as the page does: fetch with the Authorization header, no EventSource, no cookie).
 */

after(closeTestBridges);

/** Loads the page as a browser would (no cookie comes back), then builds the client over its address. */
async function clientFor(t: TestBridge) {
  const page = await request(t.bridge.port, { path: `/?token=${t.bridge.token}` });
  assert.equal(page.status, 200);
  assert.equal(page.headers['set-cookie'], undefined, 'the bridge sets no cookie');
  const storage = new Map<string, string>();
  const errors: string[] = [];
  const env: BridgeEnv = {
    fetch: (url, init) => fetch(url, init),
    href: t.bridge.url,
    replaceUrl: () => undefined,
    storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v) },
    reportError: (m) => errors.push(m),
  };
  return { client: createBridgeClient(env), errors };
}

describe('web bridge: the renderer client speaks its protocol', () => {
  it('calls methods, gets field issues back as ApiError, and receives events', async () => {
    const t = await startTestBridge();
    const { client, errors } = await clientFor(t);

    assert.deepEqual(await client.getState({}), STATE);
    assert.deepEqual(await client.setPinned({ agentId: 'a1', pinned: true }), { pins: ['a1'] });
    assert.deepEqual(await client.activity({}), { entries: [], total: 500 });

    const refused = await client.setPinned({ agentId: '', pinned: true }).then(
      () => null,
      (err: unknown) => err,
    );
    assert.ok(refused instanceof ApiError);
    assert.equal(refused.status, 400);
    assert.deepEqual(
      refused.issues.map((i) => i.path),
      ['agentId'],
    );

    const received: UiEvent[] = [];
    const off = client.onEvent((e) => received.push(e));
    const waitFor = async (n: number) => {
      const deadline = Date.now() + 5000;
      while (received.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    };
    await waitFor(1);
    assert.deepEqual(received[0], { event: 'state', state: STATE });
    const deadline = Date.now() + 2000;
    while (t.fake.listeners() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    t.fake.push({ event: 'resume', ts: '2025-01-01T00:00:00.000Z', sleptMs: 60_000 });
    await waitFor(2);
    assert.deepEqual(received[1], { event: 'resume', ts: '2025-01-01T00:00:00.000Z', sleptMs: 60_000 });
    off();
    const closedBy = Date.now() + 2000;
    while (t.fake.listeners() > 0 && Date.now() < closedBy) await new Promise((r) => setTimeout(r, 10));
    assert.equal(t.fake.listeners(), 0, 'the last listener gone, the stream is closed on the bridge too');
    assert.deepEqual(errors, []);
  });

  it('a client holding a stale token gets 401 from every call and from the event stream, which it reports', async () => {
    const t = await startTestBridge();
    const errors: string[] = [];
    const client = createBridgeClient({
      fetch: (url, init) => fetch(url, init),
      href: `http://127.0.0.1:${t.bridge.port}/?token=token-of-an-older-daemon-run`,
      replaceUrl: () => undefined,
      storage: null,
      reportError: (m) => errors.push(m),
    });
    await assert.rejects(client.getState({}), (err: unknown) => err instanceof ApiError && err.status === 401);
    const off = client.onEvent(() => undefined);
    const deadline = Date.now() + 5000;
    while (errors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    off();
    assert.match(errors[0] ?? '', /event stream refused: HTTP 401/);
    assert.equal(t.fake.calls.length, 0, 'the service was never reached');
  });
});
